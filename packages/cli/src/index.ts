/**
 * @wa-contacts/cli — the `wa-contacts` command. The modules are exported for tests and for
 * programs that want to embed the command tree; the executable is `dist/wa-contacts.js`.
 *
 * @since 0.1.0
 */
/** The command tree and its runner. */
export * as Cli from "./Cli.ts"
/** Exit codes. */
export * as ExitCode from "./ExitCode.ts"
/** Output formats and writers. */
export * as Output from "./Output.ts"
/** Reading numbers from arguments, files, stdin and CSV (reusable by other commands). */
export * as Input from "./Input.ts"
/** Continuing an interrupted check. */
export * as Resume from "./Resume.ts"
/** Connection flags and the transport they describe. */
export * as Connection from "./Connection.ts"
/** The terminal facts formatting depends on. */
export * as Tty from "./Tty.ts"
