/**
 * `wa-contacts check [NUMBER...]`: check numbers from arguments, a file, stdin or a CSV column.
 * The flags live here; the work is in `run/check.ts`, loaded only when the command runs.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { formatFlag, outputFlag, quietFlag } from "./shared.ts"

/** The `check` command. */
export const check = Command.make(
  "check",
  {
    numbers: Argument.String("number").pipe(
      Argument.withDescription("Phone numbers to check, in any dialable format (+1 631 555 1001)"),
      Argument.variadic()
    ),
    file: Flag.String("file").pipe(
      Flag.withAlias("f"),
      Flag.withDescription("Read numbers from this file, one per line (- for stdin)"),
      Flag.optional
    ),
    column: Flag.String("column").pipe(
      Flag.withDescription("Read the file as CSV and take this column: a header name, or a 1-based index"),
      Flag.optional
    ),
    wait: Flag.Boolean("wait").pipe(
      Flag.withDescription("Ask the server to answer only when every lookup is done (blocking: wait); default: no_wait and poll"),
      Flag.withDefault(false)
    ),
    forceCheck: Flag.Boolean("force-check").pipe(
      Flag.withDescription("Skip the server's 7-day cache (checks must not outnumber messages: use sparingly)"),
      Flag.withDefault(false)
    ),
    batchSize: Flag.Int("batch-size").pipe(Flag.withDescription("Numbers per request (default 500)"), Flag.optional),
    concurrency: Flag.Int("concurrency").pipe(Flag.withDescription("Requests in flight at once (default 4)"), Flag.optional),
    rate: Flag.Finite("rate").pipe(
      Flag.withDescription("Requests per second (default 20, bursts of 60: the documented limit; 0 for no client-side limit)"),
      Flag.optional
    ),
    maxWait: Flag.Finite("max-wait").pipe(
      Flag.withDescription("Seconds to wait for numbers still processing (default 60); then they are reported as processing"),
      Flag.optional
    ),
    format: formatFlag,
    output: outputFlag,
    resume: Flag.Boolean("resume").pipe(
      Flag.withDescription("Continue an interrupted run: skip the inputs already in --output and append to it"),
      Flag.withDefault(false)
    ),
    quiet: quietFlag,
    ...connectionFlags
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/check.ts")), (m) => m.run(input))
).pipe(
  Command.withDescription(
    "Check whether phone numbers are on WhatsApp (POST /v1/contacts). One record per input, written as results arrive; a summary on stderr.\n" +
      "Exit codes: 0 done (invalid and failed contacts are data), 1 usage or input error, 2 authentication error, " +
      "3 API or transport error, 4 some contacts still processing at --max-wait, 130 interrupted (--resume continues)."
  ),
  Command.withExamples([
    { command: "wa-contacts check --mock 16315551000 '+1 631 555 1001' 6315551002", description: "Try it against the built-in simulator" },
    { command: "wa-contacts check --file numbers.txt --output results.ndjson", description: "A large list, one number per line" },
    { command: "wa-contacts check --file contacts.csv --column phone --format csv", description: "A column of a CSV file" },
    { command: "wa-contacts check --file numbers.txt --output results.ndjson --resume", description: "Continue an interrupted run" }
  ])
)
