/**
 * This package's version, for the default `User-Agent`. It is package.json's own field, imported
 * rather than retyped so that `changeset version` changes it: tsc keeps the import (dist/internal
 * sits at the same depth as src/internal, so `../../package.json` is the packed package.json) and
 * the CLI's bundler inlines the value at build time.
 */
import packageJson from "../../package.json" with { type: "json" }

/** The version in package.json. */
export const version: string = packageJson.version
