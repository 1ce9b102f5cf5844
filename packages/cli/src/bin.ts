#!/usr/bin/env node
/**
 * The `wa-contacts` executable: run the CLI on the process's arguments under Node's runtime, which
 * interrupts the run on Ctrl-C / SIGTERM (finalizers flush what is known), and exit with the
 * code the CLI chose.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit, Runtime } from "effect"
import { run } from "./Cli.ts"
import { ExitCode } from "./ExitCode.ts"

run(process.argv.slice(2)).pipe(
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({
    // Errors are reported by the CLI itself; the runtime must not print a cause (or a secret in one).
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isSuccess(exit)) {
        process.exitCode = exit.value as number
        return onExit(exit.value as number)
      }
      Runtime.defaultTeardown(exit, (code) => onExit(code === 130 ? ExitCode.Interrupted : code))
    }
  })
)
