/**
 * The body of `wa-contacts translate`: the core's translation and lint, one record per input.
 *
 * @since 0.1.0
 */
import { Translation } from "@wa-contacts/core"
import { Effect, Option, Stream } from "effect"
import { usage } from "../ExitCode.ts"
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
  }
]

/** Run `translate`. */
export const run = Effect.fnUntraced(function*(input: {
  readonly numbers: ReadonlyArray<string>
  readonly registered: string
  readonly format: Option.Option<Output.Format>
  readonly output: Option.Option<string>
}) {
  const translator = new Translation.Translator(input.registered)
  if (translator.callingCode === undefined) {
    return yield* usage(`--registered ${JSON.stringify(input.registered)}: not an international number (give it with + and the country code)`)
  }
  const tty = yield* Tty
  const path = Option.getOrUndefined(input.output)
  const format = Output.chooseFormat(Option.getOrUndefined(input.format), path, tty.stdout)
  const target = path === undefined ? yield* Output.stdout : yield* Effect.mapError(Output.file(path, "create"), (e) => usage(e.message))
  const writer = yield* Output.writer(format, TRANSLATE_COLUMNS, target)
  const rows = input.numbers.map((number): Output.Row => {
    const t = translator.next(number)
    return {
      input: t.input,
      translated: t.translated ?? null,
      valid: t.valid === true,
      warnings: t.warnings.map((w) => w.code),
      messages: t.warnings.map((w) => w.message)
    }
  })
  yield* Stream.fromIterable(rows).pipe(
    Stream.runForEachArray((chunk) => writer.write(chunk)),
    Effect.ensuring(Effect.andThen(writer.end, target.close))
  )
})
