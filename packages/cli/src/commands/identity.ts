/**
 * `wa-contacts identity get WA_ID` and `wa-contacts identity ack WA_ID --hash HASH`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { forceFlag, formatFlag, outputFlag, quietConfirmationFlag, quietFlag } from "./shared.ts"

const waId = Argument.String("wa_id").pipe(Argument.withDescription("The contact's WhatsApp id or phone number, with + and country code"))

/** `identity get`. */
export const get = Command.make(
  "get",
  { waId, format: formatFlag, output: outputFlag, force: forceFlag, quiet: quietFlag, ...connectionFlags },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.identityGet(input))
).pipe(Command.withDescription("Show a contact's latest identity: its hash, when it was created, whether it is acknowledged (the record's input is the number asked about)."))

/** `identity ack`. */
export const ack = Command.make(
  "ack",
  {
    waId,
    hash: Flag.String("hash").pipe(Flag.withDescription("The latest identity's hash, from `identity get`")),
    quiet: quietConfirmationFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.identityAck(input))
).pipe(Command.withDescription("Acknowledge a contact's latest identity, so that messages to it are accepted again."))

/** The `identity` command group. */
export const identity = Command.make("identity").pipe(
  Command.withDescription("A contact's identity: get it, acknowledge a change."),
  Command.withSubcommands([get, ack]),
  Command.withExamples([
    { command: "wa-contacts identity get 16315551000", description: "Show the latest identity" },
    { command: "wa-contacts identity ack 16315551000 --hash UKD6Y/5SqDU=", description: "Acknowledge it" }
  ])
)
