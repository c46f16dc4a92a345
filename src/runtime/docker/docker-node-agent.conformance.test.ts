import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { systemClock } from '../../platform/clock.ts'
import { randomIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { waitFor } from '../testing.ts'
import { runRuntimeConformance } from '../runtime.case.test.ts'
import { createDockerNodeAgent } from './docker-node-agent.ts'
import { exampleImages, NO_ENGINE, removeOwned, SKIP_REASON, testEngine } from './testing.ts'

describe.skipIf(NO_ENGINE)(`Docker runtime on a real engine${SKIP_REASON}`, () => {
  runRuntimeConformance('docker node agent', async () => {
    const engine = testEngine()
    await exampleImages(engine)
    const store = createMemoryStore({ clock: systemClock, ids: randomIds })
    // Each fixture its own owner: files running in parallel on one engine never touch each other's containers.
    const owner = `conformance-${randomUUID()}`
    const volumesDir = mkdtempSync(join(tmpdir(), 'baton-conformance-volumes-'))
    const newAgent = () => createDockerNodeAgent({ store, clock: systemClock, engine, owner, volumesDir })
    return {
      store,
      agent: newAgent(),
      newAgent,
      eventually: (probe, timeoutMs) => waitFor('conformance condition', probe, timeoutMs),
      elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
      podSpec: (opts) => ({
        terminationGracePeriodSeconds: 2,
        containers: [
          {
            name: 'web',
            image: opts.missingImage ? 'missing:v0' : 'web:v1',
            ports: [{ name: 'http', containerPort: 8080 }],
            ...(opts.readinessProbe
              ? { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }
              : {}),
          },
        ],
      }),
      cleanup: async () => {
        await removeOwned(engine, owner)
        rmSync(volumesDir, { recursive: true, force: true })
        store.close()
      },
    }
  })
})
