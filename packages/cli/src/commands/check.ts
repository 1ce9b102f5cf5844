/**
 * `wa-contacts check [NUMBER...]`: check numbers from arguments, a file, stdin or a CSV column.
 * The flags live here; the work is in `run/check.ts`, loaded only when the command runs.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { budgetFlags, maxAgeFlag, storeFlag } from "./store.ts"
import { atLeast, durationFlag, forceFlag, formatFlag, inputFlags, outputFlag, quietFlag } from "./shared.ts"

/** The `check` command. */
export const check = Command.make(
  "check",
  {
    numbers: Argument.String("number").pipe(
      Argument.withDescription("Phone numbers to check, in any dialable format (+1 631 555 1001)"),
      Argument.variadic()
    ),
    ...inputFlags,
    wait: Flag.Boolean("wait").pipe(
      Flag.withDescription(
        "The server answers when every lookup is done (blocking: wait, the default for lists); --no-wait: it answers at once and the client re-sends what is still processing"
      ),
      Flag.optional
    ),
    forceCheck: Flag.Boolean("force-check").pipe(
      Flag.withDescription("Skip the server's 7-day cache (checks must not outnumber messages: use sparingly)"),
      Flag.withDefault(false)
    ),
    batchSize: atLeast("batch-size", 1, "Numbers per request (default 500)"),
    concurrency: atLeast("concurrency", 1, "Requests in flight at once (default: sized by rate × latency)"),
    rate: Flag.Finite("rate").pipe(
      Flag.withSchema(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0, { message: "expected 0 or more requests per second" }))),
      Flag.withDescription("Requests per second, paced one at a time (default just under the documented 20/s; 0 for no client-side limit)"),
      Flag.optional
    ),
    maxWait: durationFlag(
      "max-wait",
      "How long to wait for numbers still processing: 90s, 2m, 500ms (a bare number is seconds; default 60s); then they are reported as processing"
    ),
    format: formatFlag,
    output: outputFlag,
    force: forceFlag,
    resume: Flag.Boolean("resume").pipe(
      Flag.withDescription("Continue an interrupted run (--format ndjson or csv): skip the inputs already in --output and append to it"),
      Flag.withDefault(false)
    ),
    quiet: quietFlag,
    store: storeFlag,
    maxAge: maxAgeFlag,
    ...budgetFlags,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/check.ts")), (m) => m.run(input))
).pipe(
  Command.withDescription(
    "Check whether phone numbers are on WhatsApp (POST /v1/contacts). One record per input, written as results arrive; a summary on stderr."
  ),
  Command.withExamples([
    { command: "wa-contacts check --mock 16315551000 '+1 631 555 1001' 6315551002", description: "Try it against the built-in simulator" },
    { command: "wa-contacts check --file numbers.txt --output results.ndjson", description: "A large list, one number per line" },
    { command: "wa-contacts check --file contacts.csv --column phone --format csv", description: "A column of a CSV file" },
    { command: "wa-contacts check --file numbers.txt --output results.ndjson --resume", description: "Continue an interrupted run" },
    { command: "wa-contacts check --file numbers.txt --store contacts.db", description: "Through a result store: fresh numbers are not sent again" }
  ])
)
