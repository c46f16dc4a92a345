import { configDefaults, defineConfig } from 'vitest/config'

// Tests live beside the code (src/**/x.test.ts) and end-to-end suites in test/e2e.
// Conformance suites (*.case.test.ts) only export cases; each implementation's test runs them.
// End-to-end tests start real processes and sockets, so they get longer timeouts
// and run in forked workers (child processes must not share a worker's event loop).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, '**/*.case.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
})
