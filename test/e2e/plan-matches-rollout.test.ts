/**
 * `baton rollout plan` against a real daemon, then the rollout it previews: the example app
 * (3 replicas, maxSurge 1 / maxUnavailable 0, readiness probe every second) goes from web:v1
 * to web:v2. The scaling events the daemon records must be the plan's, in order, and the
 * fewest available and the most running pods seen while it rolls must be the plan's. The
 * other strategies are compared step for step on the fake clock (test/sim/plan-matches-rollout).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { isPodReady } from '../../src/api/pod-readiness.ts'
import type { Event, Pod } from '../../src/api/types.ts'
import { type Baton, startBaton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'

let baton: Baton
beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.planMatchesRollout })
}, 90_000)
afterAll(async () => {
  await baton?.stop()
}, 60_000)

async function api<T>(path: string): Promise<T> {
  const res = await baton.api(path)
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

interface PlanJson {
  newReplicaSet: string
  minAvailable: number
  maxPods: number
  steps: Array<{ newReplicas: number; oldReplicas: number; events: string[] }>
}

// No retry (P16): the scaling events are told apart from earlier ones by name, and a retry's
// would repeat its failed attempt's messages, which the daemon records as the same Events
// (count + 1) or combines with them (src/events/record-event.ts), not as new ones.
it('the daemon rolls out what the plan showed: its scaling events in order, its fewest available and most pods', {
  retry: 0,
  timeout: 150_000,
}, async () => {
  await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: 3, maxSurge: 1, maxUnavailable: 0 }))
  expect((await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '60s'])).code).toBe(0)

  const planned = await baton.cli(['rollout', 'plan', 'deployment/web', '--image', 'web=web:v2', '-o', 'json'])
  expect(planned).toMatchObject({ code: 0, stderr: '' })
  const plan = JSON.parse(planned.stdout) as PlanJson
  expect(plan.steps.map((s) => `${s.newReplicas}/${s.oldReplicas}`)).toEqual(['1/3', '2/2', '3/1', '3/0'])

  const before = new Set(
    (await api<{ items: Event[] }>('/api/v1/namespaces/default/events')).items.map((e) => e.metadata.name),
  )
  expect((await baton.cli(['set', 'image', 'deployment/web', 'web=web:v2'])).code).toBe(0)

  // Watch the pods while it rolls (bounded: 600 polls, about a minute at most).
  const seen = { minAvailable: Number.POSITIVE_INFINITY, maxPods: 0 }
  for (let i = 0; i < 600; i++) {
    const pods = (await api<{ items: Pod[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    )
    seen.minAvailable = Math.min(seen.minAvailable, pods.filter(isPodReady).length)
    seen.maxPods = Math.max(seen.maxPods, pods.length)
    const d = await api<{ status?: { updatedReplicas?: number; availableReplicas?: number; replicas?: number } }>(
      '/apis/apps/v1/namespaces/default/deployments/web',
    )
    if (d.status?.updatedReplicas === 3 && d.status.availableReplicas === 3 && d.status.replicas === 3) break
    await new Promise((r) => setTimeout(r, 100))
  }
  expect((await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '60s'])).code).toBe(0)

  const scaled = (await api<{ items: Event[] }>('/api/v1/namespaces/default/events')).items
    .filter((e) => !before.has(e.metadata.name) && e.reason === 'ScalingReplicaSet' && e.involvedObject.name === 'web')
    .sort((a, b) => a.metadata.name.length - b.metadata.name.length || (a.metadata.name < b.metadata.name ? -1 : 1))
    .map((e) => e.message)
  expect(scaled).toEqual(plan.steps.flatMap((s) => s.events))
  expect(seen).toEqual({ minAvailable: plan.minAvailable, maxPods: plan.maxPods })
})
