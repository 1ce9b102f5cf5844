/**
 * `wa-contacts revalidate --store …`: re-check the stored numbers that are due, oldest first,
 * within the check budget. The flags live here; the work is in `run/revalidate.ts`.
 *
 * @since 0.2.0
 */
import { Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { atLeast, durationFlag, forceFlag, formatFlag, outputFlag, quietFlag } from "./shared.ts"
import { budgetFlags, maxAgeFlag, storeFlag } from "./store.ts"

/** The `revalidate` command. */
export const revalidate = Command.make(
  "revalidate",
  {
    store: storeFlag,
    maxAge: maxAgeFlag,
    ...budgetFlags,
    limit: atLeast("limit", 1, "Re-check at most this many due numbers (the oldest)"),
    changesOnly: Flag.Boolean("changes-only").pipe(
      Flag.withDescription("Write only the records that changed (newly invalid, newly valid, wa_id or semantics changed, failed)"),
      Flag.withDefault(false)
    ),
    forceCheck: Flag.Boolean("force-check").pipe(
      Flag.withDescription("Ask the server to skip its own 7-day cache too (use with a --max-age under 7d; every such check counts)"),
      Flag.withDefault(false)
    ),
    batchSize: atLeast("batch-size", 1, "Numbers per request (default 500)"),
    rate: Flag.Finite("rate").pipe(
      Flag.withSchema(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0, { message: "expected 0 or more requests per second" }))),
      Flag.withDescription("Requests per second (default: paced under the documented 20/s; 0 for no client-side limit)"),
      Flag.optional
    ),
    maxWait: durationFlag("max-wait", "How long to wait for numbers still processing (default 60s)"),
    format: formatFlag,
    output: outputFlag,
    force: forceFlag,
    quiet: quietFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/revalidate.ts")), (m) => m.run(input))
).pipe(
  Command.withDescription(
    "Re-check the stored numbers that are due (never checked, or older than --max-age), oldest first, within the check budget " +
      "(checks in the window <= messages recorded × ratio; --budget N caps the run). One record per due number: re-checked, with what " +
      "changed, or deferred (not sent, still due); a summary on stderr."
  ),
  Command.withExamples([
    { command: "wa-contacts store messages add 5000 --store contacts.db", description: "First record the messages sent this week" },
    { command: "wa-contacts revalidate --store contacts.db --changes-only --format csv", description: "The weekly re-validation, changes only" },
    { command: "wa-contacts revalidate --store contacts.db --budget 1000", description: "At most 1,000 checks this run" }
  ])
)
