/**
 * The CLI's version, as `--version` prints it: package.json's own field. The bundler inlines it
 * at build time (the published bundle reads no file), and tests running src/ read the same file,
 * so `changeset version` needs no edit here.
 *
 * @since 0.1.0
 */
import packageJson from "../package.json" with { type: "json" }

/** The package version. */
export const VERSION: string = packageJson.version
