/**
 * `wa-contacts translate NUMBER... --registered NUMBER` (or `--file`): what a server registered
 * with that number will make of each input, offline.
 *
 * @since 0.1.0
 */
import { Config, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { forceFlag, formatFlag, inputFlags, outputFlag } from "./shared.ts"

/** The `translate` command. */
export const translate = Command.make(
  "translate",
  {
    numbers: Argument.String("number").pipe(Argument.withDescription("Phone numbers, in any dialable format"), Argument.variadic()),
    ...inputFlags,
    registered: Flag.String("registered").pipe(
      Flag.withDescription("The number the server is registered with, e.g. +919876543210 (env WA_REGISTERED)"),
      Flag.withFallbackConfig(Config.String("WA_REGISTERED"))
    ),
    format: formatFlag,
    output: outputFlag,
    force: forceFlag
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/translate.ts")), (m) => m.run(input))
).pipe(
  Command.withAlias("lint"),
  Command.withDescription(
    "Offline: show what the server will turn each number into (it prepends its own country code to numbers without +), with warnings. No server involved."
  ),
  Command.withExamples([
    { command: "wa-contacts translate 1-631-555-1002 +16315551002 --registered +919876543210", description: "See a mistranslation coming" },
    { command: "wa-contacts translate --file contacts.csv --column phone --registered +919876543210 --format csv", description: "Lint a whole list" }
  ])
)
