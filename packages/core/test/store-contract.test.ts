/**
 * The `ResultStore` port's contract, run against the in-memory reference store that core's
 * behaviour tests use (SQL adapters run the same suite in `@wa-contacts/store`).
 */
import * as MemoryStore from "./support/MemoryStore.ts"
import { storeContract } from "./support/storeContract.ts"

storeContract("memory store", () => MemoryStore.layer())
