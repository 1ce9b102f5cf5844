/**
 * `wa-contacts block NUMBER [--reason TEXT]`: block a contact that messaged the business in the
 * last 24 hours.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { quietConfirmationFlag } from "./shared.ts"

/** The `block` command. */
export const block = Command.make(
  "block",
  {
    number: Argument.String("number").pipe(Argument.withDescription("The contact's phone number, with + and country code (without +, the server reads it in its own country)")),
    reason: Flag.String("reason").pipe(Flag.withDescription("Why (fewer than 60 characters)"), Flag.optional),
    quiet: quietConfirmationFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.block(input))
).pipe(
  Command.withDescription("Block a contact (it must have messaged you in the last 24 hours). Blocking twice is fine."),
  Command.withExamples([{ command: "wa-contacts block +16315551000 --reason spam", description: "Block a contact" }])
)
