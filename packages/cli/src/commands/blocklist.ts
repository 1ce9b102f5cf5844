/**
 * `wa-contacts blocklist [--limit N --offset N | --all]`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { atLeast, forceFlag, formatFlag, outputFlag, quietFlag } from "./shared.ts"

/** The `blocklist` command. */
export const blocklist = Command.make(
  "blocklist",
  {
    limit: Flag.Int("limit").pipe(Flag.withDescription("Contacts per page, 1 to 200 (default 100)"), Flag.optional),
    offset: atLeast("offset", 0, "Skip this many contacts (default 0)"),
    all: Flag.Boolean("all").pipe(Flag.withDescription("Fetch every page"), Flag.withDefault(false)),
    format: formatFlag,
    output: outputFlag,
    force: forceFlag,
    quiet: quietFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/contacts.ts")), (m) => m.blocklist(input))
).pipe(
  Command.withDescription("List blocked contacts, oldest block first (one page, or --all)."),
  Command.withExamples([
    { command: "wa-contacts blocklist --limit 20", description: "The first 20 blocked contacts" },
    { command: "wa-contacts blocklist --all --format csv", description: "Every blocked contact as CSV" }
  ])
)
