import { runRuntimeConformance } from '../runtime.case.test.ts'
import { waitFor } from '../testing.ts'
import { harness, webContainer } from './testing.ts'

runRuntimeConformance('process node agent', async () => {
  const h = await harness()
  return {
    store: h.store,
    agent: h.agent,
    newAgent: h.newAgent,
    eventually: (probe, timeoutMs) => waitFor('conformance condition', probe, timeoutMs),
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
    podSpec: (opts) => ({
      terminationGracePeriodSeconds: 2,
      containers: [
        webContainer(
          {},
          {
            ...(opts.missingImage ? { image: 'missing:v0' } : {}),
            ...(opts.readinessProbe
              ? { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }
              : {}),
          },
        ),
      ],
    }),
    // The harness tears itself down after each test (testing.ts).
    cleanup: async () => {},
  }
})
