import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { applyDefaults } from '../../api/defaults.ts'
import type { Deployment, DeploymentStatus, ReplicaSet, Rollout } from '../../api/types.ts'
import { demoRollout } from '../../api/test-objects.ts'
import { createHarness, cutIdleWatches, type Harness } from '../testing/harness.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import {
  aDeployment,
  aPod,
  aReplicaSet,
  deploymentAsServed,
  podAsServed,
  replicaSetOf,
  T0,
} from '../../../test/support/builders.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

function createWeb(status?: DeploymentStatus): Deployment {
  const d = aDeployment(deploymentAsServed('web'))
  delete d.metadata.uid
  const created = h.store.create(d) as Deployment
  return status ? (h.store.updateStatus({ ...created, status }) as Deployment) : created
}

const complete: DeploymentStatus = {
  observedGeneration: 1,
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
}
const setStatus = (status: DeploymentStatus) => {
  const d = h.store.get('Deployment', 'default', 'web')!
  h.store.updateStatus({ ...d, status })
}

describe('rollout status exit codes (as kubectl rollout status)', () => {
  it('0 when the rollout is complete', async () => {
    createWeb(complete)
    expect(await h.run('rollout status deployment/web')).toEqual({
      code: 0,
      out: 'deployment "web" successfully rolled out\n',
      err: '',
    })
  })

  it('prints each state while watching, 0 when done', async () => {
    createWeb()
    const running = h.start('rollout status deploy web')
    await running.waitFor('observed')
    setStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 })
    await running.waitFor('new replicas')
    setStatus({ observedGeneration: 1, replicas: 4, updatedReplicas: 3, availableReplicas: 3 })
    await running.waitFor('pending termination')
    setStatus(complete)
    expect(await running.result).toEqual({
      code: 0,
      err: '',
      out:
        'Waiting for deployment spec update to be observed...\n' +
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n' +
        'deployment "web" successfully rolled out\n',
    })
  })

  it('starts again from the current object when its version has left the watch history (a daemon restart)', async () => {
    h.close()
    const clock = new FakeClock(T0)
    h = createHarness({ store: createMemoryStore({ clock, ids: sequentialIds(), historyLimit: 1 }) }, clock)
    createWeb({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 })
    // Later writes push the Deployment's version out of a one-change history: watching from it is BATON_GONE.
    for (const name of ['a', 'b', 'c'])
      h.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: {} })
    const running = h.start('rollout status deployment/web')
    await running.waitFor('new replicas')
    setStatus(complete)
    expect(await running.result).toEqual({
      code: 0,
      err: '',
      out:
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'deployment "web" successfully rolled out\n',
    })
  })

  it.each([
    { name: 'an idle stream is cut at 300 s (undici), the server ends watches sooner', cutMs: 300_000 },
    { name: 'the stream breaks after 60 s', cutMs: 60_000 },
  ])('keeps watching through 15 idle minutes: $name', async ({ cutMs }) => {
    h.close()
    const clock = new FakeClock(T0)
    let watches = 0
    h = createHarness({}, clock, { wrapFetch: (f) => cutIdleWatches(f, clock, cutMs, () => watches++) })
    createWeb()
    const running = h.start('rollout status deployment/web')
    await running.waitFor('observed')
    for (let minute = 1; minute <= 15; minute++) {
      const before = watches
      clock.advance(60_000)
      // Every 4 or 5 minutes the stream ends and a new watch resumes from the last version.
      if (minute % 5 === 0) await vi.waitFor(() => expect(watches).toBeGreaterThan(before))
    }
    setStatus({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 })
    await running.waitFor('new replicas')
    setStatus(complete)
    expect(await running.result).toEqual({
      code: 0,
      err: '',
      out:
        'Waiting for deployment spec update to be observed...\n' +
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'deployment "web" successfully rolled out\n',
    })
  })

  it('1 when the progress deadline is exceeded', async () => {
    createWeb({
      ...complete,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    })
    const res = await h.run('rollout status deployment/web')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: deployment "web" exceeded its progress deadline\nhint: /)
  })

  it('5 when --timeout passes (kubectl: 1), apart from a failed rollout', async () => {
    createWeb()
    const running = h.start('rollout status deployment/web --timeout=5s')
    await running.waitFor('observed')
    h.clock.advance(5000)
    const res = await running.result
    expect(res.code).toBe(5)
    expect(res.out).toBe('Waiting for deployment spec update to be observed...\n')
    expect(res.err).toMatch(/^error: timed out waiting for the condition\n/)
  })

  it("says why a stuck rollout is stuck and what to do next, and --timeout's hint repeats it", async () => {
    const d = createWeb({ observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2 })
    const rs = h.store.create(aReplicaSet(replicaSetOf(d, 'new1'))) as ReplicaSet
    const pod = aPod({
      ...podAsServed('web-new1-a'),
      phase: 'Pending',
      ready: false,
      labels: { app: 'web', 'pod-template-hash': 'new1' },
    })
    pod.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rs.metadata.name,
        uid: rs.metadata.uid ?? '',
        controller: true,
      },
    ]
    const cs = pod.status!.containerStatuses![0]!
    cs.image = 'web:v9'
    cs.state = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:v9"' } }
    h.store.create(pod)
    const running = h.start('rollout status deployment/web --timeout=30s')
    await running.waitFor('new replicas')
    h.clock.advance(5000)
    await running.waitFor('Rollout stuck')
    h.clock.advance(25_000)
    const res = await running.result
    expect(res.code).toBe(5)
    expect(res.out).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' +
        'Rollout stuck (ImagePullBackOff): pod web-new1-a waits for image web:v9: Back-off pulling image "web:v9". Next: push it (baton push web:v9 DIR), or undo to the last good revision (baton rollout undo deployment/web)\n',
    )
    expect(res.err).toMatch(/\nhint: the rollout is stuck \(ImagePullBackOff\): push it \(baton push web:v9 DIR\)/)
  })

  it('1 when the deployment does not exist', async () => {
    const res = await h.run('rollout status deployment/x')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^Error from server \(NotFound\): deployments\.apps "x" not found\n/)
  })

  it('1 when the deployment is deleted while watching', async () => {
    createWeb()
    const running = h.start('rollout status deployment/web')
    await running.waitFor('observed')
    h.store.delete('Deployment', 'default', 'web')
    const res = await running.result
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: object has been deleted\n/)
  })

  it('0 with --watch=false even when not done; 1 for a revision mismatch', async () => {
    const d = createWeb({ ...complete, updatedReplicas: 2 })
    expect(await h.run('rollout status deployment/web --watch=false')).toEqual({
      code: 0,
      err: '',
      out: 'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...\n',
    })
    h.store.update({
      ...d,
      metadata: {
        ...d.metadata,
        resourceVersion: undefined,
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
    })
    const res = await h.run('rollout status deployment/web --revision=3')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: desired revision \(3\) is different from the running revision \(2\)\n/)
  })

  it('1 with usage for a bad --timeout', async () => {
    const res = await h.run('rollout status deployment/web --timeout=5')
    expect(res.code).toBe(1)
    expect(res.err).toContain('time: invalid duration "5"')
    expect(res.err).toContain('Usage:\n  baton rollout status')
  })

  it('draws the live per-replica view on a terminal', async () => {
    createWeb(complete)
    const res = await h.run('rollout status deployment/web', { tty: true })
    expect(res.code).toBe(0)
    expect(res.out).toBe(
      '\x1b[2Koverall progress: 0 out of 3 tasks\n\x1b[2K1/3: \n\x1b[2K2/3: \n\x1b[2K3/3: \ndeployment "web" successfully rolled out\n',
    )
  })
})

/** A deployment with two revisions (v1, v2), the second recorded with a change-cause. */
function history(): { d: Deployment; v1: ReplicaSet; v2: ReplicaSet } {
  const d = createWeb(complete)
  const v1 = aReplicaSet({ ...replicaSetOf(d, 'aaaa1'), image: 'web:v1', replicas: 0, available: 0, revision: '1' })
  const v2 = aReplicaSet({ ...replicaSetOf(d, 'bbbb2'), image: 'web:v2', replicas: 3, available: 3, revision: '2' })
  v2.metadata.annotations!['kubernetes.io/change-cause'] = 'baton set image deployment/web web=web:v2 --record=true'
  for (const rs of [v1, v2]) {
    rs.metadata.ownerReferences![0]!.uid = d.metadata.uid!
    delete rs.metadata.uid
    // As the controller creates them: from the stored (defaulted) template.
    h.store.create(applyDefaults(rs))
  }
  // Stored objects are frozen snapshots: change a copy.
  const current = structuredClone(h.store.get('Deployment', 'default', 'web') as Deployment)
  current.spec.template.spec.containers[0]!.image = 'web:v2'
  current.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' }
  return { d: h.store.update(current) as Deployment, v1, v2 }
}

describe('rollout history, undo, pause, resume, restart', () => {
  it('lists revisions with CHANGE-CAUSE', async () => {
    history()
    expect(await h.run('rollout history deployment/web')).toEqual({
      code: 0,
      err: '',
      out: 'deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         baton set image deployment/web web=web:v2 --record=true\n\n',
    })
  })

  it('prints one revision template, and fails for an unknown one', async () => {
    history()
    const res = await h.run('rollout history deployment/web --revision=1')
    expect(res.out).toBe(`deployment.apps/web with revision #1
Pod Template:
  Labels:  app=web
           pod-template-hash=aaaa1
  Containers:
   web:
    Image:        web:v1
    Port:         8080/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>

`)
    const missing = await h.run('rollout history deployment/web --revision=9')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^error: unable to find the specified revision\n/)
  })

  it('undoes to the previous revision, then skips when already there', async () => {
    history()
    expect(await h.run('rollout undo deployment/web')).toEqual({
      code: 0,
      err: '',
      out: 'deployment.apps/web rolled back\n',
    })
    expect(h.store.get('Deployment', 'default', 'web')!.spec.template.spec.containers[0]!.image).toBe('web:v1')
    expect((await h.run('rollout undo deployment/web --to-revision=1')).out).toBe(
      'deployment.apps/web skipped rollback (current template already matches revision 1)\n',
    )
    const missing = await h.run('rollout undo deployment/web --to-revision=7')
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/^error: unable to find specified revision 7 in history\n/)
  })

  it('pauses, refuses to pause twice, resumes and restarts', async () => {
    createWeb(complete)
    expect((await h.run('rollout pause deployment/web')).out).toBe('deployment.apps/web paused\n')
    expect(h.store.get('Deployment', 'default', 'web')!.spec.paused).toBe(true)
    const again = await h.run('rollout pause deployment/web')
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/^error: deployments\.apps "web" is already paused\n/)
    expect((await h.run('rollout restart deployment/web')).code).toBe(1)
    expect((await h.run('rollout resume deployment/web')).out).toBe('deployment.apps/web resumed\n')
    expect((await h.run('rollout restart deployment/web')).out).toBe('deployment.apps/web restarted\n')
    const restarted = h.store.get('Deployment', 'default', 'web')!
    expect(restarted.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(
      '2026-01-01T00:00:00Z',
    )
  })
})

describe('rollout history rollout/NAME (Argo Rollouts)', () => {
  it("lists the Rollout's revisions by rollout.argoproj.io/revision, and one revision's template", async () => {
    const r = h.store.create(applyDefaults(demoRollout())) as Rollout
    for (const [hash, revision, image] of [
      ['a', '1', 'argoproj/rollouts-demo:blue'],
      ['b', '2', 'argoproj/rollouts-demo:yellow'],
    ] as const) {
      const rs = aReplicaSet({ ...replicaSetOf(aDeployment(deploymentAsServed('rollouts-demo')), hash), image })
      delete rs.metadata.uid
      rs.metadata.annotations = { 'rollout.argoproj.io/revision': revision }
      rs.metadata.ownerReferences = [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: r.metadata.name,
          uid: r.metadata.uid!,
          controller: true,
        },
      ]
      h.store.create(rs)
    }
    expect(await h.run('rollout history rollout/rollouts-demo')).toEqual({
      code: 0,
      err: '',
      out: 'rollout.argoproj.io/rollouts-demo\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    })
    const one = await h.run('rollout history rollout/rollouts-demo --revision=2')
    expect(one.out).toContain('Image:        argoproj/rollouts-demo:yellow')
    const missing = await h.run('rollout history rollout/rollouts-demo --revision=7')
    expect(missing.code).not.toBe(0)
    expect(missing.err).toContain("rollout 'rollouts-demo' has no revision 7")
  })
})
