/**
 * Named scenarios a QA team runs against the simulator (`--scenario NAME`, `POST
 * /_simulator/scenario`, `Simulator.runScenario`): each is a few switches of the state, applied
 * at once, described in one sentence.
 *
 * @internal
 */
import { Result } from "effect"
import { type ControlFailure, controlFailure, type State } from "./State.ts"

/** The scenarios, by name, with what each does. */
export const scenarios = {
  "upgrade-to-2.43": "the server reports 2.41.3 (legacy) and upgrades to 2.43.0 (repurposed) after 3 more check requests",
  "rate-limit-storm": "the rate limit drops to 2 requests/s with bursts of 2: a client that does not pace itself gets 429s",
  "overloaded": "the next 5 API requests get 503 / 1016 System overloaded",
  "slow-lookups": "lookups take 5 s: no_wait checks answer processing for a while, blocking: wait checks wait",
  "token-expiry": "every token issued by a login ends now and new ones live 60 s: clients must log in again"
} as const

/** A scenario's name. */
export type ScenarioName = keyof typeof scenarios

/** The scenario names, for flags and documents. */
export const scenarioNames = Object.keys(scenarios) as ReadonlyArray<ScenarioName>

/** Whether `name` is a scenario. */
export const isScenarioName = (name: string): name is ScenarioName => Object.hasOwn(scenarios, name)

/** Apply scenario `name` to `state` at `now`; what it does, or why not. */
export const applyScenario = (state: State, name: string, now: number): Result.Result<string, ControlFailure> => {
  if (!isScenarioName(name)) {
    return Result.fail(controlFailure(404, `unknown scenario ${JSON.stringify(name)}: one of ${scenarioNames.join(", ")}`))
  }
  switch (name) {
    case "upgrade-to-2.43": {
      const switched = state.switchVersion("2.41.3")
      if (Result.isFailure(switched)) return switched
      const scheduled = state.scheduleVersion("2.43.0", 3)
      if (Result.isFailure(scheduled)) return scheduled
      break
    }
    case "rate-limit-storm":
      state.setFaults({ rateLimit: { rps: 2, burst: 2 } }, now)
      break
    case "overloaded":
      state.setFaults({ overloadedNext: 5 }, now)
      break
    case "slow-lookups":
      state.setFaults({ lookupLatencyMs: 5000 }, now)
      break
    case "token-expiry":
      state.accounts.expireIssuedTokens(60_000)
      break
  }
  return Result.succeed(scenarios[name])
}
