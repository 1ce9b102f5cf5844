/**
 * An in-memory `FileSystem` for in-process CLI tests: files are byte arrays in a `Map`. Enough of
 * the service for the CLI's reader, writer and `--resume` (stat, exists, stream, open for writing
 * or appending, truncate); folders are the root and the prefixes of files' paths; everything else
 * fails as a missing file would.
 */
import { ByteSize, Effect, FileSystem, Option, PlatformError, Stream } from "effect"

const notFound = (method: string, path: string) =>
  PlatformError.systemError({ _tag: "NotFound", module: "FileSystem", method, pathOrDescriptor: path, description: "no such file" })

const info = (size: number, type: FileSystem.File.Type = "File"): FileSystem.File.Info => ({
  type,
  mtime: Option.none(),
  atime: Option.none(),
  birthtime: Option.none(),
  dev: 0n,
  ino: Option.none(),
  mode: 0o644,
  nlink: Option.none(),
  uid: Option.none(),
  gid: Option.none(),
  rdev: Option.none(),
  size: ByteSize.bytes(BigInt(size)),
  blksize: Option.none(),
  blocks: Option.none()
})

/** A file system over `files` (path → bytes); the map shows what was written. */
export const memoryFileSystem = (files: Map<string, Uint8Array>): FileSystem.FileSystem =>
  FileSystem.makeNoop({
    exists: (path) => Effect.succeed(files.has(path)),
    stat: (path) => {
      const bytes = files.get(path)
      if (bytes !== undefined) return Effect.succeed(info(bytes.byteLength))
      // A folder is the root or any prefix of a file's path.
      const folder = path === "/" || [...files.keys()].some((f) => f.startsWith(path.endsWith("/") ? path : `${path}/`))
      return folder ? Effect.succeed(info(0, "Directory")) : Effect.fail(notFound("stat", path))
    },
    stream: (path, options) => {
      const bytes = files.get(path)
      if (bytes === undefined) return Stream.fail(notFound("stream", path))
      const size = options?.chunkSize ?? 16
      const chunks: Array<Uint8Array> = []
      for (let i = 0; i < bytes.byteLength; i += size) chunks.push(bytes.subarray(i, i + size))
      return Stream.fromIterable(chunks)
    },
    truncate: (path, length) => {
      const bytes = files.get(path)
      if (bytes === undefined) return Effect.fail(notFound("truncate", path))
      files.set(path, bytes.subarray(0, length ?? 0))
      return Effect.void
    },
    open: (path, options) =>
      Effect.sync(() => {
        const flag = options?.flag ?? "r"
        if (flag.startsWith("w") || !files.has(path)) files.set(path, new Uint8Array(0))
        const append = (data: Uint8Array) => {
          const current = files.get(path) ?? new Uint8Array(0)
          const next = new Uint8Array(current.byteLength + data.byteLength)
          next.set(current)
          next.set(data, current.byteLength)
          files.set(path, next)
        }
        return {
          [FileSystem.FileTypeId]: FileSystem.FileTypeId,
          stat: Effect.sync(() => info(files.get(path)?.byteLength ?? 0)),
          seek: () => Effect.succeed(0n),
          sync: Effect.void,
          read: () => Effect.succeed(0),
          readAlloc: () => Effect.succeed(Option.none()),
          truncate: (length) => Effect.sync(() => void files.set(path, (files.get(path) ?? new Uint8Array(0)).subarray(0, length ?? 0))),
          write: (data) => Effect.sync(() => (append(data), data.byteLength)),
          writeAll: (data) => Effect.sync(() => append(data))
        } as FileSystem.File
      })
  })
