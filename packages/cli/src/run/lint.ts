/**
 * Lint of a phone argument (`block`, `unblock`, `report`, `identity`), as `check` lints each of its
 * inputs, with the core's translation: a number that cannot be one is refused before anything is
 * sent (exit 1); a number without `+` is said to be re-read by the server in its own country, and
 * what it becomes when the registered number is known.
 *
 * @since 0.1.0
 */
import { Translation } from "@wa-contacts/core"
import { Console, Effect } from "effect"
import * as Connection from "../Connection.ts"
import { type Exit, usage } from "../ExitCode.ts"

/** The advice when numbers without `+` meet an unknown registered number (said once per run). */
export const NO_REGISTERED_NOTE =
  "the server will read numbers without + as numbers of its own country; pass --registered (or set WA_REGISTERED) to see what they become"

/** Lint `number` (the argument `name`); warnings on stderr, a number that cannot be one fails. */
export const lintArgument = (options: Connection.ConnectionOptions, name: string, number: string): Effect.Effect<void, Exit> =>
  Effect.gen(function*() {
    const registered = Connection.clientSettings(options).registeredNumber
    const t = Translation.translate(number, registered === undefined ? undefined : Translation.callingCodeOf(registered))
    const failing = t.warnings.find((w) => Translation.FAILING_CODES.has(w.code))
    if (failing !== undefined) return yield* usage(`${name} ${JSON.stringify(number)}: ${failing.message}`, "nothing was sent")
    for (const w of t.warnings) {
      if (w.code === "UNKNOWN_REGISTERED_NUMBER") continue
      if (w.code === "NO_PLUS" && registered === undefined) {
        yield* Console.error(`warning: ${number}: no leading +: ${NO_REGISTERED_NOTE}`)
        continue
      }
      yield* Console.error(`warning: ${number}: ${w.message}${w.code === "NO_PLUS" && t.translated !== undefined ? ` (${t.translated})` : ""}`)
    }
  })
