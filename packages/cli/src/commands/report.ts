/**
 * `wa-contacts report NUMBER [--reason TEXT] [--block] [--message-id ID]`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { quietConfirmationFlag } from "./shared.ts"

/** The `report` command. */
export const report = Command.make(
  "report",
  {
    number: Argument.String("number").pipe(Argument.withDescription("The contact's phone number, with + and country code (without +, the server reads it in its own country)")),
    reason: Flag.String("reason").pipe(Flag.withDescription("Why (fewer than 60 characters)"), Flag.optional),
    block: Flag.Boolean("block").pipe(Flag.withDescription("Also block the contact"), Flag.withDefault(false)),
    messageId: Flag.String("message-id").pipe(
      Flag.withDescription("The message to report (default: the contact's last 5 messages)"),
      Flag.optional
    ),
    quiet: quietConfirmationFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.report(input))
).pipe(
  Command.withDescription(
    "Report a contact (it must have messaged you in the last 24 hours). Not repeated on errors where the server may have received it."
  ),
  Command.withExamples([{ command: "wa-contacts report +16315551000 --reason spam --block", description: "Report and block" }])
)
