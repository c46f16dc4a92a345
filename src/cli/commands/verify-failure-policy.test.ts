import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { aDeployment, deploymentAsServed } from '../../../test/support/builders.ts'
import type { Deployment } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness | undefined
let server: Server | undefined
afterEach(() => {
  h?.close()
  server?.close()
})

describe('verify --deployment and the failure policy', () => {
  it('reports the automatic rollback, when it happened, and exits 3', async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'x-app-version': 'v1' }).end('v1\n'))
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    h = createHarness()
    const d = aDeployment(deploymentAsServed('web'))
    delete d.metadata.uid
    d.metadata.annotations = { 'baton.dev/failure-action': 'rollback', 'baton.dev/rolled-back-generation': '1' }
    const created = h.store.create(d) as Deployment
    h.store.updateStatus({
      ...created,
      status: {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        conditions: [
          {
            type: 'FailurePolicy',
            status: 'True',
            reason: 'RolledBack',
            message: 'revision 2 failed: 1 of 3 new pods failed; rolled back to revision 1',
            lastTransitionTime: '2026-01-01T00:00:05Z',
          },
        ],
      },
    })
    const res = await h.run(`verify http://127.0.0.1:${port}/ --rate 50 --duration 2s --deployment web -o json`)
    expect(res.code).toBe(3)
    expect(res.err).toMatch(/^error: deployment "web" was rolled back automatically at 2026-01-01T00:00:05Z: /)
    const report = JSON.parse(res.out) as { automatic?: unknown }
    expect(report.automatic).toMatchObject({
      action: 'rolledBack',
      at: '2026-01-01T00:00:05Z',
      message: 'revision 2 failed: 1 of 3 new pods failed; rolled back to revision 1',
    })
  })
})
