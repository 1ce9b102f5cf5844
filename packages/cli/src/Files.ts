/**
 * What went wrong with a file, in words (never a raw `ENOENT`), and the one error the CLI's file
 * and stdout writes fail with.
 *
 * @since 0.1.0
 */
import { Data, type PlatformError } from "effect"
import { Exit, ExitCode, usage } from "./ExitCode.ts"

const WORDS: Partial<Record<PlatformError.SystemErrorTag, string>> = {
  NotFound: "no such file or directory",
  PermissionDenied: "permission denied",
  AlreadyExists: "it already exists",
  Busy: "the file is busy",
  BadResource: "it is not a regular file",
  WriteZero: "the disk is full",
  InvalidData: "the data is not valid",
  TimedOut: "the operation timed out",
  UnexpectedEof: "the file ended unexpectedly"
}

const CODES: Record<string, string> = {
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EMFILE: "too many open files",
  EPIPE: "the reader closed the pipe"
}

/** The Node error code behind a platform error, when there is one. */
export const codeOf = (error: PlatformError.PlatformError): string | undefined => {
  const cause = error.reason.cause as { readonly code?: unknown } | undefined
  return typeof cause?.code === "string" ? cause.code : undefined
}

/** A platform error in words. */
export const words = (error: PlatformError.PlatformError): string => {
  const code = codeOf(error)
  if (code !== undefined && CODES[code] !== undefined) return CODES[code]
  if (error.reason._tag === "BadArgument") return error.reason.description ?? "bad argument"
  return WORDS[error.reason._tag] ?? error.reason.description ?? "it cannot be used"
}

/**
 * Writing the output failed. `brokenPipe`: the reader of stdout went away (`| head -1`), which
 * is a quiet stop, like any Unix filter, not an error.
 */
export class OutputError extends Data.TaggedError("OutputError")<{
  readonly message: string
  readonly brokenPipe: boolean
}> {}

/** The exit of a failed output: a broken pipe stops quietly (exit 0); anything else is exit 1 with the reason. */
export const outputExit = (error: OutputError): Exit =>
  error.brokenPipe ? new Exit({ code: ExitCode.Success, message: "" }) : usage(error.message)
