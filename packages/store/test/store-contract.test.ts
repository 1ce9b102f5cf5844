/**
 * The `ResultStore` port's contract (core's suite, the same one the in-memory reference store
 * passes), run against both SQL backends: real SQLite files and a real PostgreSQL server.
 */
import { storeContract } from "../../core/test/support/storeContract.ts"
import { forEachBackend, freshLayer } from "./support/backends.ts"

forEachBackend((backend) => storeContract(backend.name, () => freshLayer(backend)))
