/**
 * The body of `wa-contacts translate`: the core's translation and lint, one record per input,
 * from arguments, a file, stdin or a CSV column, streamed like `check`.
 *
 * @since 0.1.0
 */
import { Translation } from "@wa-contacts/core"
import { Effect, Option, Stream } from "effect"
import { usage } from "../ExitCode.ts"
import { OutputError, outputExit } from "../Files.ts"
import * as Input from "../Input.ts"
import * as Output from "../Output.ts"
import { Tty } from "../Tty.ts"

/** The columns of a translation record. */
export const TRANSLATE_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT" },
  { key: "translated", header: "TRANSLATED" },
  { key: "valid", header: "VALID", colour: (row) => (row["valid"] === true ? "green" : "red") },
  { key: "warnings", header: "WARNINGS", colour: () => "dim" },
  {
    key: "messages",
    header: "MESSAGES",
    show: (row) => (Array.isArray(row["messages"]) && row["messages"].length > 0 ? row["messages"].join("; ") : "-")
  },
  { key: "line", header: "LINE", table: false }
]

/** Run `translate`. */
export const run = Effect.fnUntraced(function*(input: Input.InputFlags & Output.OutputFlags & {
  readonly registered: string
}) {
  const translator = new Translation.Translator(input.registered)
  if (translator.callingCode === undefined) {
    return yield* usage(
      `--registered ${JSON.stringify(input.registered)}: not an international number`,
      "give it with + and the country code, e.g. +919876543210"
    )
  }
  yield* Effect.scoped(Effect.gen(function*() {
    const source = yield* Input.open(Input.optionsOf(input))
    const tty = yield* Tty
    const path = Option.getOrUndefined(input.output)
    const format = Output.chooseFormat(Option.getOrUndefined(input.format), path, tty.stdout)
    const target = yield* Output.open({ path, force: input.force, input: Option.getOrUndefined(input.file) })
    const rows = source.items.pipe(Stream.map((item): Output.Row => {
      if (item.problem !== undefined) {
        return { input: item.value, translated: null, valid: false, warnings: [], messages: [item.problem], line: item.line ?? null }
      }
      const t = translator.next(item.value)
      return {
        input: t.input,
        translated: t.translated ?? null,
        valid: t.valid === true,
        warnings: t.warnings.map((w) => w.code),
        messages: t.warnings.map((w) => w.message),
        line: item.line ?? null
      }
    }))
    yield* Output.write(target, format, TRANSLATE_COLUMNS, rows).pipe(Effect.mapError((e: OutputError) => outputExit(e)))
    const failure = source.failure()
    if (failure !== undefined) return yield* failure
  }))
})
