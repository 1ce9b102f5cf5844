/**
 * `wa-contacts unblock NUMBER`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { quietConfirmationFlag } from "./shared.ts"

/** The `unblock` command. */
export const unblock = Command.make(
  "unblock",
  {
    number: Argument.String("number").pipe(Argument.withDescription("The contact's phone number, with + and country code (without +, the server reads it in its own country)")),
    quiet: quietConfirmationFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.unblock(input))
).pipe(
  Command.withDescription("Unblock a contact. Unblocking one that is not blocked is fine."),
  Command.withExamples([{ command: "wa-contacts unblock +16315551000", description: "Unblock a contact" }])
)
