/**
 * The CLI's version, as `--version` prints it (kept equal to package.json by a test).
 *
 * @since 0.1.0
 */

/** The package version. */
export const VERSION = "0.1.0"
