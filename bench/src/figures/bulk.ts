// Figures 3 and 4: bulk checks, over HTTP through adapter-http against a raw client, and
// in-process (the `--mock` path) against the bare parse rate.
import { HttpTransport } from "@wa-contacts/adapter-http"
import { SimulatorTransport } from "@wa-contacts/adapter-mock"
import { Check, type Transport } from "@wa-contacts/core"
import { Effect, type Layer, Stream } from "effect"
import { parsePhoneNumberFromString } from "libphonenumber-js/max"
import { Pool } from "undici"
import { type Figure, median, type Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, spawnServer } from "../spawnServer.ts"

const BATCH = 500
const CONCURRENCY = 4

const chunks = <A>(xs: ReadonlyArray<A>, n: number): Array<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n))

/** Run `work` on every item with at most `concurrency` at once. */
const pooled = async <A>(items: ReadonlyArray<A>, concurrency: number, work: (a: A) => Promise<void>) => {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!)
  }))
}

const checkBody = (contacts: ReadonlyArray<string>) => JSON.stringify({ blocking: "no_wait", contacts, force_check: false })

/** The core's bulk check through a transport layer; contacts per second. */
export const coreRate = async (numbers: ReadonlyArray<string>, transport: Layer.Layer<Transport.Transport, unknown>) => {
  const t0 = performance.now()
  const count = await Effect.runPromise(
    Check.checkStream(numbers, { batchSize: BATCH, concurrency: CONCURRENCY, rateLimit: false, blocking: "no_wait" }).pipe(
      Stream.runCount,
      Effect.provide(transport)
    ) as Effect.Effect<number, unknown>
  )
  if (count !== numbers.length) throw new Error(`expected ${numbers.length} results, got ${count}`)
  return numbers.length / ((performance.now() - t0) / 1000)
}

export const bulkFigures = async (size: Size): Promise<Array<Figure>> => {
  const n = size.quick ? 10_000 : 100_000
  const rounds = size.quick ? 2 : 3
  const numbers = makeDistinctNumbers(n)
  const batches = chunks(numbers, BATCH)
  const server = await spawnServer({ allUsers: true, lookupLatencyMs: 0, rateLimit: false, tokens: [BENCH_TOKEN] })
  const figures: Array<Figure> = []
  try {
    const pool = new Pool(server.url, { connections: CONCURRENCY })
    const headers = { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` }
    const undiciRate = async () => {
      const t0 = performance.now()
      await pooled(batches, CONCURRENCY, async (batch) => {
        const res = await pool.request({ method: "POST", path: "/v1/contacts", headers, body: checkBody(batch) })
        const body = (await res.body.json()) as { contacts: Array<unknown> }
        if (body.contacts.length !== batch.length) throw new Error("short answer")
      })
      return n / ((performance.now() - t0) / 1000)
    }
    const fetchRate = async () => {
      const t0 = performance.now()
      await pooled(batches, CONCURRENCY, async (batch) => {
        const res = await fetch(`${server.url}/v1/contacts`, { method: "POST", headers, body: checkBody(batch) })
        const body = (await res.json()) as { contacts: Array<unknown> }
        if (body.contacts.length !== batch.length) throw new Error("short answer")
      })
      return n / ((performance.now() - t0) / 1000)
    }
    const adapter = HttpTransport.layer({ baseUrl: server.url, token: BENCH_TOKEN })
    // Warm-up: each client once, untimed (the server's cache is warm for all afterwards too).
    await undiciRate()
    await fetchRate()
    await coreRate(numbers, adapter)
    const raw: Array<number> = []
    const core: Array<number> = []
    const viaFetch: Array<number> = []
    for (let i = 0; i < rounds; i++) {
      raw.push(await undiciRate())
      viaFetch.push(await fetchRate())
      core.push(await coreRate(numbers, adapter))
    }
    await pool.close()
    const anchor = Math.max(median(raw), median(viaFetch))
    const value = median(core)
    figures.push({
      id: 3,
      name: `bulk check over HTTP via adapter-http (${n.toLocaleString("en-US")} numbers, batch ${BATCH}, ${CONCURRENCY} in flight)`,
      value,
      unit: "contacts/s",
      anchor,
      anchorName: median(raw) >= median(viaFetch) ? "raw undici Pool, same batches" : "raw fetch, same batches",
      ratio: value / anchor,
      goal: "ratio >= 0.7",
      met: value / anchor >= 0.7,
      notes: `raw undici ${Math.round(median(raw))}/s, raw fetch ${Math.round(median(viaFetch))}/s`
    })
  } finally {
    await server.stop()
  }

  // Figure 4: in-process, against the bare parse rate of the same numbers.
  const mock = SimulatorTransport.layer({ allUsers: true, lookupLatencyMs: 0 })
  await coreRate(numbers, mock)
  const inProcess: Array<number> = []
  const parse: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now()
    let ok = 0
    for (const number of numbers) if (parsePhoneNumberFromString(number, { defaultCallingCode: "1" })) ok++
    parse.push(ok / ((performance.now() - t0) / 1000))
    inProcess.push(await coreRate(numbers, mock))
  }
  const value = median(inProcess)
  const anchor = median(parse)
  figures.push({
    id: 4,
    name: `bulk check in-process, the --mock path (${n.toLocaleString("en-US")} numbers)`,
    value,
    unit: "contacts/s",
    anchor,
    anchorName: "bare libphonenumber-js parse rate",
    ratio: value / anchor,
    goal: "report; ratio >= 0.3",
    met: value / anchor >= 0.3
  })
  return figures
}
