/**
 * `wa-contacts [command…] --help` without loading the CLI: the bin prints the page effect/cli
 * rendered for that command at build time (packages/cli/helpPages.ts), in colour exactly when
 * effect/cli would colour it. Colour is the only thing in effect/cli's help that depends on the
 * terminal or the environment (no width, no locale); tests compare every page the bin prints with
 * the CLI's own rendering, and `canColor` with effect/cli's own detection.
 *
 * Kept free of imports: the bin loads it before Node's compile cache is on.
 *
 * @since 0.1.0
 */

/**
 * The command path whose help `args` ask for and nothing else (`"store import"` for
 * `store import --help`, `""` for `--help` or `-h` alone), or `undefined`. Anything with another
 * flag before the `--help` (or after it) is left to the CLI.
 */
export const helpRequest = (args: ReadonlyArray<string>): string | undefined => {
  const last = args.at(-1)
  if (last !== "--help" && last !== "-h") return undefined
  const path = args.slice(0, -1)
  return path.every((word) => /^[a-z][a-z-]*$/.test(word)) ? path.join(" ") : undefined
}

/**
 * Whether effect/cli colours its help here: the rule of its `TerminalCapabilities` (what its
 * default presenter reads when no formatter is installed, and the CLI installs none) — `TERM=dumb`
 * never, a non-empty `NO_COLOR` never, else a `FORCE_COLOR` other than `0`/`false`, or stdout a
 * terminal. Empty variables count as unset.
 */
export const canColor = (env: Readonly<Record<string, string | undefined>>, stdoutIsTerminal: boolean): boolean => {
  const present = (value: string | undefined): value is string => value !== undefined && value.length > 0
  if (env.TERM === "dumb") return false
  if (present(env.NO_COLOR)) return false
  const force = env.FORCE_COLOR
  return (present(force) && force !== "0" && force.toLowerCase() !== "false") || stdoutIsTerminal
}
