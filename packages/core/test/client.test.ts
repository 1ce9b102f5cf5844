/**
 * The Promise facade (`Client.make(layer)`): the operations as Promises, the streams as async
 * iterators that callers can stop early, rejections that carry the tagged error instance, and
 * `dispose` releasing the transport.
 */
import { createInterface } from "node:readline"
import { Readable } from "node:stream"
import { describe, expect, it } from "vitest"
import { Effect, Layer } from "effect"
import { Client, Errors, Transport } from "@wa-contacts/core"
import { apiError, checkAnswer, fromFunction, json } from "./support/ScriptedTransport.ts"

const digits = (s: string) => s.replace(/\D/g, "")

/** A legacy server for checks and a 450-entry blocklist; everything else answers 200 {}. */
const server = () =>
  fromFunction((request) => {
    if (request.path === "/v1/contacts") {
      return checkAnswer(request, (input) => ({ status: "valid", wa_id: digits(input) }), { version: "2.41.3" })
    }
    if (request.path === "/v1/contacts/blocklist") {
      const limit = Number(request.query?.["limit"])
      const offset = Number(request.query?.["offset"])
      const n = Math.max(0, Math.min(limit, 450 - offset))
      return json(200, {
        contacts: Array.from({ length: n }, (_, i) => ({ wa_id: `${16315550000 + offset + i}@s.whatsapp.net` })),
        pagination: { limit, offset, total: 450 }
      })
    }
    if (request.path.endsWith("/block")) return apiError(400, 2048, "Not engaged contact", "no message in 24 h")
    if (request.path.endsWith("/identity") && request.method === "GET") {
      return json(200, { contacts: { hash: "h", created_timestamp: 1, acknowledged: "false" } })
    }
    return json(200, {})
  })

async function* asyncInputs(inputs: ReadonlyArray<string>) {
  for (const input of inputs) {
    await Promise.resolve()
    yield input
  }
}

describe("Client.make: the Promise facade", () => {
  it("check resolves with one result per input, in order", async () => {
    const scripted = server()
    const client = Client.make(scripted.layer, { registeredNumber: "+1 631 555 0000" })
    const results = await client.check(["+16315551000", "6315551001"])
    expect(results.map((r) => [r.input, r._tag, r.translated])).toEqual([
      ["+16315551000", "WhatsAppUser", "+16315551000"],
      ["6315551001", "WhatsAppUser", "+16315551001"]
    ])
    await client.dispose()
  })

  it("the client's settings apply: apiVersion overrides meta.version", async () => {
    const client = Client.make(server().layer, { apiVersion: "2.45.1" })
    const [result] = await client.check(["+16315551000"])
    expect(result).toMatchObject({ _tag: "Checked", semantics: "repurposed" })
    await client.dispose()
  })

  it("checkAll is an async iterator over an iterable input", async () => {
    const client = Client.make(server().layer)
    const inputs = ["+16315551000", "+1 631 555 1000", "+16315551001"]
    const seen: Array<string> = []
    for await (const result of client.checkAll(inputs, { rateLimit: false })) seen.push(`${result.input}:${result._tag}`)
    expect(seen).toEqual(["+16315551000:WhatsAppUser", "+1 631 555 1000:WhatsAppUser", "+16315551001:WhatsAppUser"])
    await client.dispose()
  })

  it("checkAll over readline's lines (as the README shows) gives a result for every line", async () => {
    // readline drops the lines it reads before its iterator exists, and a pipe's bytes are there at
    // once: checkAll must take the iterator when called, not when its stream first pulls (a version
    // that waited lost ~18% of 100k lines from stdin).
    const inputs = Array.from({ length: 30_000 }, (_, i) => `+1631${String(2_000_000 + i)}`)
    const text = inputs.join("\n") + "\n"
    const chunks = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, i) => text.slice(i * 65_536, (i + 1) * 65_536))
    const client = Client.make(server().layer)
    const lines = createInterface({ input: Readable.from(chunks), crlfDelay: Infinity })
    let n = 0
    let last = ""
    for await (const result of client.checkAll(lines, { rateLimit: false })) {
      n++
      last = result.input
    }
    expect([n, last]).toEqual([inputs.length, inputs.at(-1)])
    await client.dispose()
  })

  it("checkAll accepts an async iterable input", async () => {
    const scripted = server()
    const client = Client.make(scripted.layer)
    const inputs = Array.from({ length: 25 }, (_, i) => `+1631555${String(i).padStart(4, "0")}`)
    const seen: Array<string> = []
    for await (const result of client.checkAll(asyncInputs(inputs), { batchSize: 10, rateLimit: false })) seen.push(result.input)
    expect(seen).toEqual(inputs)
    expect(scripted.checkBodies().map((b) => b.contacts.length)).toEqual([10, 10, 5])
    await client.dispose()
  })

  it("blocklist iterates page by page; `break` stops fetching", async () => {
    const scripted = server()
    const client = Client.make(scripted.layer)
    const first: Array<string> = []
    for await (const contact of client.blocklist({ pageSize: 200 })) {
      first.push(contact.waId)
      if (first.length === 5) break
    }
    expect(first).toEqual(["16315550000", "16315550001", "16315550002", "16315550003", "16315550004"])
    expect(scripted.requests).toHaveLength(1)
    let all = 0
    for await (const _ of client.blocklist({ pageSize: 200 })) all++
    expect(all).toBe(450)
    expect(scripted.requests).toHaveLength(4)
    await client.dispose()
  })

  it("a rejected promise carries the tagged error instance", async () => {
    const scripted = server()
    const client = Client.make(scripted.layer)
    const serverError = await client.block("+16315551000").then(() => undefined, (e: unknown) => e)
    expect(serverError).toBeInstanceOf(Errors.NotEngaged)
    expect(serverError).toMatchObject({ _tag: "NotEngaged", status: 400, code: 2048, details: "no message in 24 h" })
    const inputError = await client.block("+16315551000", { reason: "x".repeat(60) }).then(() => undefined, (e: unknown) => e)
    expect(inputError).toBeInstanceOf(Errors.InputError)
    expect((inputError as Errors.InputError)._tag).toBe("InputError")
    expect(scripted.requests).toHaveLength(1)
    await client.dispose()
  })

  it("checkAll rejects with the tagged error when the server refuses the check", async () => {
    const client = Client.make(fromFunction(() => apiError(400, 1009, "Parameter value is not valid")).layer)
    const seen: Array<unknown> = []
    const error = await (async () => {
      for await (const result of client.checkAll(["+16315551000"], { rateLimit: false })) seen.push(result)
    })().then(() => undefined, (e: unknown) => e)
    expect(seen).toHaveLength(0)
    expect(error).toBeInstanceOf(Errors.InvalidParameter)
    expect(error).toMatchObject({ _tag: "InvalidParameter", code: 1009 })
    await client.dispose()
  })

  it("the other operations resolve", async () => {
    const client = Client.make(server().layer)
    await expect(client.unblock("+16315551000")).resolves.toBeUndefined()
    await expect(client.report("+16315551000", { block: true })).resolves.toBeUndefined()
    await expect(client.getIdentity("16315551000")).resolves.toEqual({ hash: "h", createdTimestamp: 1, acknowledged: false })
    await expect(client.acknowledgeIdentity("16315551000", "h")).resolves.toBeUndefined()
    await expect(client.blocklistPage({ limit: 2 })).resolves.toMatchObject({ contacts: [{ waId: "16315550000" }, { waId: "16315550001" }] })
    await client.dispose()
  })

  it("dispose releases the transport layer", async () => {
    let released = 0
    const scripted = server()
    const layer = Layer.effect(
      Transport.Transport,
      Effect.gen(function*() {
        yield* Effect.addFinalizer(() => Effect.sync(() => released++))
        return yield* Transport.Transport
      })
    ).pipe(Layer.provide(scripted.layer))
    const client = Client.make(layer)
    await client.unblock("+16315551000")
    expect(released).toBe(0)
    await client.dispose()
    expect(released).toBe(1)
  })
})

describe("Client.make: what plain JavaScript passes gets a clear, typed answer", () => {
  const rejection = async (promise: Promise<unknown>): Promise<Errors.InputError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(Errors.InputError)
    return error as Errors.InputError
  }
  const drain = async (iterable: AsyncIterable<unknown>) => {
    for await (const _ of iterable) { /* drain */ }
  }

  it("checkAll over numbers (a JSON or CSV parser's output) rejects with an InputError naming the entry, not 'trim is not a function'", async () => {
    const client = Client.make(server().layer)
    try {
      const error = await rejection(drain(client.checkAll(["+16315551000", 16315551001 as unknown as string])))
      expect(error.message).toContain("input 2 is a number, not a string")
      expect(error.message).not.toContain("trim")
    } finally {
      await client.dispose()
    }
  })

  it("checkAll over async numbers, and over null, says so", async () => {
    const client = Client.make(server().layer)
    async function* numbers() {
      yield 1 as unknown as string
    }
    try {
      expect((await rejection(drain(client.checkAll(numbers())))).message).toContain("input 1 is a number")
      expect((await rejection(drain(client.checkAll(null as unknown as Array<string>)))).message).toContain("checkAll's inputs")
    } finally {
      await client.dispose()
    }
  })

  it("check, block, report, getIdentity and acknowledgeIdentity refuse a non-string the same way", async () => {
    const scripted = server()
    const client = Client.make(scripted.layer)
    const n = 16315551000 as unknown as string
    try {
      expect((await rejection(client.check([n]))).message).toContain("input 1 is a number")
      expect((await rejection(client.block(n))).field).toBe("phone")
      expect((await rejection(client.unblock(n))).field).toBe("phone")
      expect((await rejection(client.report(n))).field).toBe("phone")
      expect((await rejection(client.getIdentity(n))).field).toBe("waId")
      expect((await rejection(client.acknowledgeIdentity("+16315551000", 5 as unknown as string))).field).toBe("hash")
      // Refused before anything is sent.
      expect(scripted.requests).toHaveLength(0)
    } finally {
      await client.dispose()
    }
  })
})
