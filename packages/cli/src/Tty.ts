/**
 * What the process is attached to: whether stdout and stderr are terminals (table output and
 * colour for people, a progress bar), and how wide. A `Context.Reference` read from the process
 * by default, so that tests can pin it.
 *
 * @since 0.1.0
 */
import { Context } from "effect"

/** Where output goes, as far as formatting cares. */
export interface TtyShape {
  readonly stdout: boolean
  readonly stderr: boolean
  /** Colour on terminals, unless `NO_COLOR` is set. */
  readonly color: boolean
  readonly columns: number
}

/** The terminal facts in force (from the process by default). */
export const Tty = Context.Reference<TtyShape>("@wa-contacts/cli/Tty", {
  defaultValue: () => ({
    stdout: process.stdout.isTTY === true,
    stderr: process.stderr.isTTY === true,
    color: process.env["NO_COLOR"] === undefined || process.env["NO_COLOR"] === "",
    columns: process.stdout.columns ?? 100
  })
})
