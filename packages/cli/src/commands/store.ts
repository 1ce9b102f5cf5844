/**
 * The result store on the command line: the `--store` flag (`WA_STORE`) and the budget flags that
 * `check` and `revalidate` share, and `wa-contacts store import|export|stats|messages add|prune`.
 * The work is in `run/store.ts`, loaded only when a command runs.
 *
 * @since 0.2.0
 */
import { Config, Effect, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectionFlags } from "../Connection.ts"
import { atLeast, DurationFromText, durationFlag, forceFlag, formatFlag, inputFlags, outputFlag, quietConfirmationFlag } from "./shared.ts"

/**
 * `--store PATH|postgres://…` (env `WA_STORE`): a bare path is a SQLite file, a `postgres://` or
 * `postgresql://` URL a shared PostgreSQL store. Read as `Redacted`: a password in the URL is
 * never printed.
 */
export const storeFlag = Flag.Redacted("store").pipe(
  Flag.withDescription(
    "The result store: a SQLite file path (created when missing) or a postgres://user:password@host/db URL shared by many processes (env WA_STORE); a password is never printed"
  ),
  Flag.withFallbackConfig(Config.Redacted("WA_STORE")),
  Flag.optional
)

/** `--max-age DURATION`: how long a stored result stays fresh. */
export const maxAgeFlag = durationFlag(
  "max-age",
  "How long a stored result answers instead of a check (default 7d, the server's own cache): 7d, 12h, 30m, 5s"
)

/** The flags of the check budget. */
export const budgetFlags = {
  budget: atLeast("budget", 0, "At most this many numbers sent by this run (re-sends included); with no messages recorded, this cap alone applies"),
  noBudget: Flag.Boolean("no-budget").pipe(
    Flag.withDescription("Switch the check budget off (checks are still recorded in the store's ledger)"),
    Flag.withDefault(false)
  ),
  budgetWindow: durationFlag("budget-window", "The budget's rolling window (default 7d)"),
  budgetRatio: Flag.Finite("budget-ratio").pipe(
    Flag.withSchema(Schema.Finite.check(Schema.isGreaterThan(0, { message: "expected a number above 0" }))),
    Flag.withDescription("Checks allowed per message recorded in the window (default 1)"),
    Flag.optional
  )
} as const

const body = Effect.promise(() => import("../run/store.ts"))

const storeImport = Command.make(
  "import",
  {
    numbers: Argument.String("number").pipe(Argument.withDescription("Numbers to add, in any dialable format"), Argument.variadic()),
    ...inputFlags,
    registered: connectionFlags.registered,
    store: storeFlag,
    quiet: quietConfirmationFlag
  },
  (input) => Effect.flatMap(body, (m) => m.importNumbers(input))
).pipe(Command.withDescription(
  "Add numbers to the store without checking them: translated as a check would (give --registered for numbers without +), de-duplicated; they are due for the next revalidate."
))

const storeExport = Command.make(
  "export",
  { store: storeFlag, format: formatFlag, output: outputFlag, force: forceFlag },
  (input) => Effect.flatMap(body, (m) => m.exportStore(input))
).pipe(Command.withDescription("Write every stored number with its current result (status, wa_id and its trust, semantics, server version, when checked)."))

const storeStats = Command.make(
  "stats",
  { store: storeFlag, maxAge: maxAgeFlag, budgetWindow: budgetFlags.budgetWindow, budgetRatio: budgetFlags.budgetRatio, format: formatFlag },
  (input) => Effect.flatMap(body, (m) => m.stats(input))
).pipe(Command.withDescription("Counts of the store: numbers by status and by age, fresh and due, the ledger of checks and messages, the budget left."))

const messagesAdd = Command.make(
  "add",
  {
    count: Argument.Int("count").pipe(
      Argument.withSchema(Schema.Int.check(Schema.isGreaterThan(0, { message: "expected a whole number of messages above 0" }))),
      Argument.withDescription("How many messages were sent")
    ),
    store: storeFlag,
    quiet: quietConfirmationFlag
  },
  (input) => Effect.flatMap(body, (m) => m.addMessages(input))
).pipe(Command.withDescription("Record messages your application sent: the budget allows as many checks in its window (checks must not outnumber messages)."))

const storeMessages = Command.make("messages").pipe(
  Command.withDescription("The messages half of the budget's ledger."),
  Command.withSubcommands([messagesAdd])
)

const storePrune = Command.make(
  "prune",
  {
    olderThan: Flag.String("older-than").pipe(
      Flag.withSchema(DurationFromText),
      Flag.withDescription("Remove results checked longer ago than this (30d, 12h…), their history, and ledger entries as old")
    ),
    store: storeFlag,
    quiet: quietConfirmationFlag
  },
  (input) => Effect.flatMap(body, (m) => m.prune(input))
).pipe(Command.withDescription("Remove old results, history and ledger entries from the store."))

/** The `store` command group. */
export const store = Command.make("store").pipe(
  Command.withDescription("Look after a result store (--store PATH|postgres://… or WA_STORE): import, export, stats, messages, prune."),
  Command.withSubcommands([storeImport, storeExport, storeStats, storeMessages, storePrune]),
  Command.withExamples([
    { command: "wa-contacts store import --store contacts.db --file numbers.txt --registered +16315550000", description: "Keep a list validated" },
    { command: "wa-contacts store messages add 1200 --store contacts.db", description: "After sending a campaign of 1,200 messages" },
    { command: "wa-contacts store stats --store contacts.db", description: "What is fresh, what is due, the budget left" }
  ])
)
