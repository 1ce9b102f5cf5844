import { defineConfig } from "vitest/config"

// One config, one project per package; each package's tests live in its own test/ folder.
const project = (name: string) => ({
  extends: true as const,
  test: { name, include: [`packages/${name}/test/**/*.test.ts`] }
})

export default defineConfig({
  test: {
    projects: ["core", "adapter-mock", "adapter-http", "cli", "store"].map(project),
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
