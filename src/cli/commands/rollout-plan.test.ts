import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyDefaults } from '../../api/defaults.ts'
import type { Deployment, ReplicaSet } from '../../api/types.ts'
import {
  aDeployment,
  aPod,
  aReplicaSet,
  at,
  deploymentAsServed,
  podAsServed,
  replicaSetOf,
} from '../../../test/support/builders.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
let dir: string
beforeEach(() => {
  h = createHarness()
  dir = mkdtempSync(join(tmpdir(), 'baton-plan-'))
})
afterEach(() => {
  h.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Seed 001's shape: 10 replicas, maxSurge 1 / maxUnavailable 1, a 1 s readiness probe; all running and ready. */
function createWeb(): Deployment {
  const d = aDeployment({ ...deploymentAsServed('web'), replicas: 10 })
  delete d.metadata.uid
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }
  d.spec.template.spec.containers[0]!.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1 }
  // As the API server stores it: defaulted.
  const created = h.store.create(applyDefaults(d)) as Deployment
  const rs = aReplicaSet(replicaSetOf(created, '7d9f5c6b8'))
  delete rs.metadata.uid
  const owner = h.store.create(rs) as ReplicaSet
  for (let i = 0; i < 10; i++) {
    const pod = aPod({ ...podAsServed(`web-7d9f5c6b8-${i}`), labels: owner.spec.template.metadata?.labels ?? {} })
    delete pod.metadata.uid
    pod.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: owner.metadata.name,
        uid: owner.metadata.uid ?? '',
        controller: true,
      },
    ]
    pod.spec = { ...owner.spec.template.spec, nodeName: 'baton-node' }
    pod.status = { ...pod.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(0) }] }
    h.store.create(pod)
  }
  return created
}

const GOLDEN_SET_IMAGE = `deployment/web: RollingUpdate, 10 replicas, maxSurge 1, maxUnavailable 1 (at most 11 pods, at least 9 available)
new ReplicaSet: web-NEWHASH

STEP   AT    NEW   OLD   AVAILABLE (MIN)   PODS (MAX)   EXITING (MAX)
1      0s    2     9     9                 11           1
2      1s    4     7     9                 11           2
3      2s    6     5     9                 11           2
4      3s    8     3     9                 11           2
5      4s    10    1     9                 11           2
6      5s    10    0     10                10           1

Available pods never fall below 9 of 10 while the new pods stay ready; at most 11 pods run at once (plus 2 still exiting).
minReadySeconds is 0: a new pod counts as available as soon as it is ready, so a version that passes readiness and then fails (a crash loop) takes available pods lower. Set spec.minReadySeconds (e.g. 10) to count a new pod only once it has stayed ready that long.
Estimated duration: ~5s until rolled out, ~6s until the last old pod has exited, from
  readiness ~1s per pod (initialDelaySeconds 0 + periodSeconds 1 × successThreshold 1), minReadySeconds 0;
  an old pod exits ~1s after deletion (terminationGracePeriodSeconds 30 at most)
`

describe('baton rollout plan', () => {
  it('previews set image: the steps of seed 001, the extremes and the estimate (golden)', async () => {
    createWeb()
    const res = await h.run('rollout plan deployment/web --image web=web:v2')
    expect(res.err).toBe('')
    expect(res.code).toBe(0)
    expect(res.out.replace(/web-[0-9a-z]{6,10}\n/, 'web-NEWHASH\n')).toBe(GOLDEN_SET_IMAGE)
    // Nothing was written.
    expect((h.store.get('Deployment', 'default', 'web') as Deployment).spec.template.spec.containers[0]?.image).toBe(
      'web:v1',
    )
    expect(h.store.list('ReplicaSet', {}).items).toHaveLength(1)
  })

  it('-o json: steps with their events, the estimate in seconds', async () => {
    createWeb()
    const res = await h.run('rollout plan deploy/web --image web=web:v2 --replicas 12 -o json')
    expect(res.code).toBe(0)
    const doc = JSON.parse(res.out)
    expect(doc).toMatchObject({
      deployment: 'web',
      minAvailable: 10,
      maxPods: 13,
      estimatedSeconds: expect.any(Number),
    })
    // 12 + maxSurge 1 − 10 running = 3 new pods at once.
    expect(doc.steps[0].events[0]).toMatch(/^Scaled up replica set web-\w+ to 3$/)
    expect(doc.steps.at(-1)).toMatchObject({ newReplicas: 12, oldReplicas: 0 })
  })

  it('-f previews what apply would store: a new deployment starts at full size', async () => {
    const file = join(dir, 'api.yaml')
    writeFileSync(
      file,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: api:v1\n          readinessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 2, periodSeconds: 3, successThreshold: 2}\n`,
    )
    const res = await h.run(`rollout plan -f ${file} -o json`)
    expect(res.err).toBe('')
    const doc = JSON.parse(res.out)
    expect(
      doc.steps.map((s: { newReplicas: number; oldReplicas: number }) => `${s.newReplicas}/${s.oldReplicas}`),
    ).toEqual(['4/0'])
    expect(doc.estimatedSeconds).toBe(8)
    expect(doc.timing).toMatchObject({ readyMs: 8000, initialDelaySeconds: 2, periodSeconds: 3, successThreshold: 2 })
  })

  it('-f with the live manifest unchanged: one step, nothing moves', async () => {
    const d = createWeb()
    const file = join(dir, 'web.json')
    writeFileSync(
      file,
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: d.spec }),
    )
    const doc = JSON.parse((await h.run(`rollout plan -f ${file} -o json`)).out)
    expect(doc.steps).toHaveLength(1)
    expect(doc.steps[0]).toMatchObject({ newReplicas: 10, oldReplicas: 0, events: [] })
  })

  it('with minReadySeconds set: the floor, no advice, and each step held back until new pods have been ready that long', async () => {
    const d = createWeb()
    h.store.update({ ...d, spec: { ...d.spec, minReadySeconds: 10 } })
    const res = await h.run('rollout plan deployment/web --image web=web:v2')
    expect(res.out).toContain('Available pods never fall below 9 of 10 while the new pods stay ready;')
    expect(res.out).not.toContain('Set spec.minReadySeconds')
    // Ready after 1 s, available more than 10 s later: five steps of two pods.
    expect(res.out).toMatch(/^2 +11s +4 +7 /m)
  })

  it('a size change replaces no pod: no condition on the floor, no advice', async () => {
    createWeb()
    const res = await h.run('rollout plan deployment/web --replicas 12')
    expect(res.out).toContain('Available pods never fall below 10 of 12; at most 12 pods')
    expect(res.out).not.toContain('minReadySeconds is 0')
  })

  it('a container whose readiness nothing checks: the plan says its figures assume it serves at once', async () => {
    const d = createWeb()
    const unprobed = structuredClone(d.spec.template)
    delete unprobed.spec.containers[0]!.readinessProbe
    unprobed.metadata = { ...unprobed.metadata, annotations: { 'baton.dev/implicit-readiness': 'false' } }
    h.store.update({ ...d, spec: { ...d.spec, template: unprobed } })
    expect((await h.run('rollout plan deployment/web --image web=web:v2')).out).toContain(
      'Readiness cannot be checked for container "web" (no readinessProbe, implicit readiness is off',
    )
  })

  it('a paused deployment: the plan says the template change waits for resume', async () => {
    const d = createWeb()
    h.store.update({ ...d, spec: { ...d.spec, paused: true } })
    const res = await h.run('rollout plan deployment/web --image web=web:v2')
    expect(res.code).toBe(0)
    expect(res.out).toMatch(/^1 +0s +0 +10 +10 +10 +0$/m)
    expect(res.out).toContain(
      'The deployment is paused: the new template waits for `baton rollout resume deployment/web`',
    )
  })

  it.each([
    { argv: 'rollout plan deployment/web', err: /nothing to preview/ },
    { argv: 'rollout plan deployment/web --image web', err: /invalid image update "web"/ },
    { argv: 'rollout plan -f x.yaml deployment/web', err: /-f cannot be combined/ },
    { argv: 'rollout plan deployment/nope --image web=web:v2', err: /not found/ },
    { argv: 'rollout plan deployment/web --image other=web:v2', err: /unable to find container named "other"/ },
  ])('$argv fails: $err', async ({ argv, err }) => {
    createWeb()
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err).toMatch(err)
  })
})
