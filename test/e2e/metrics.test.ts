/**
 * The control plane's counters on a real daemon: after a Deployment with a Service rolls out,
 * GET /metrics (behind the API token) reports controller_runtime_reconcile_total for each of
 * the three controllers, as controller-runtime names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'

let baton: Baton

beforeAll(async () => {
  baton = await startBaton()
}, 60_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

const count = (text: string, controller: string, result: string): number =>
  Number(
    new RegExp(
      `^controller_runtime_reconcile_total\\{controller="${controller}",result="${result}"\\} (\\d+)$`,
      'm',
    ).exec(text)?.[1] ?? NaN,
  )

describe('GET /metrics', () => {
  it('counts reconciles per controller and result', async () => {
    await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: 2 }))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '60s']))
    expect((await baton.api('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    const res = await baton.api('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toContain('# TYPE controller_runtime_reconcile_total counter')
    for (const controller of ['deployment-controller', 'replicaset-controller', 'endpoints-controller']) {
      expect(
        count(text, controller, 'success') + count(text, controller, 'requeue_after'),
        `${controller}\n${text}`,
      ).toBeGreaterThan(0)
      for (const result of ['error', 'requeue'])
        expect(Number.isInteger(count(text, controller, result)), text).toBe(true)
    }
  })
})
