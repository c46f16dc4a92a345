import { configDefaults, defineConfig } from 'vitest/config'

// Tests live beside the code (src/**/x.test.ts) and end-to-end suites in test/e2e.
// Conformance suites (*.case.test.ts) only export cases; each implementation's test runs them.
// End-to-end tests start real processes and sockets, so they get longer timeouts
// and run in forked workers (child processes must not share a worker's event loop).
//
// Three projects: unit (every file in parallel) first, then e2e one file at a time, then
// reliability (test/reliability: faults injected into a real daemon, one file at a time). An e2e
// file puts hundreds of requests per second through a real daemon, load balancer and
// replicas with 2 s client timeouts; sharing 2 cores with the unit suite or with another
// e2e file would measure the machine's contention, not Baton.
//
// e2e and reliability tests get one retry: they run real daemons, browsers and load on a
// machine shared with everything else, where a rare scheduling stall can fail a test that is
// right. A retry never hides one: test/support/flaky-reporter.ts lists every test that needed
// it (CI prints the list above its summary line), and each is a bug to fix.
const exclude = [...configDefaults.exclude, '**/*.case.test.ts']

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/support/flaky-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...exclude, 'test/e2e/**', 'test/reliability/**'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude,
          fileParallelism: false,
          retry: 1,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          exclude,
          fileParallelism: false,
          retry: 1,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
})
