/**
 * An array (`Array.isArray` holds for a proxy of one) that counts how far it was read, and a server
 * that notes how much had been read when the first check request arrived: to show that inputs
 * given as an array are read a batch at a time.
 */
import { checkAnswer, fromFunction, type Scripted } from "./ScriptedTransport.ts"

export interface CountedArray {
  readonly inputs: Array<string>
  readonly server: Scripted
  /** How many inputs had been read when the first request arrived. */
  readonly readAtFirstRequest: () => number | undefined
}

export const countedArray = (values: Array<string>): CountedArray => {
  let read = 0
  const inputs = new Proxy(values, {
    get: (target, key, receiver) => {
      if (typeof key === "string" && /^\d+$/.test(key)) read = Math.max(read, Number(key) + 1)
      return Reflect.get(target, key, receiver)
    }
  })
  let readAtFirstRequest: number | undefined
  const server = fromFunction((request) => {
    readAtFirstRequest ??= read
    return checkAnswer(request, (input) => ({ status: "valid", wa_id: input.replace(/\D/g, "") }), { version: "2.41.3" })
  })
  return { inputs, server, readAtFirstRequest: () => readAtFirstRequest }
}
