import { describe, expect, it } from 'vitest'
import type { Deployment, Pod, ReplicaSet } from '../../api/types.ts'
import type { RevisionCounters } from '../../rollout/revision-figures.ts'
import { T0, aDeployment, aPod, aReplicaSet, at } from '../../../test/support/builders.ts'
import { type FailurePolicyAction, type FailurePolicyInput, planFailurePolicy, podFailure } from './plan.ts'

const ROLLBACK = { 'baton.dev/failure-action': 'rollback', 'baton.dev/failure-monitor': '10s' }

function deployment(
  annotations: Record<string, string> = ROLLBACK,
  extra: Partial<Deployment['spec']> = {},
): Deployment {
  const d = aDeployment({ replicas: 2, image: 'app:v2', annotations, generation: 4 })
  d.spec = { ...d.spec, ...extra }
  return d
}

function sets(d: Deployment, opts: { stableVerdict?: string; newVerdict?: string } = {}): ReplicaSet[] {
  const older = aReplicaSet({ name: 'web-v0', replicas: 0, revision: 1, image: 'app:v0', owner: d })
  const stable = aReplicaSet({
    name: 'web-v1',
    replicas: 1,
    revision: 2,
    image: 'app:v1',
    owner: d,
    ...(opts.stableVerdict ? { annotations: { 'baton.dev/failure-policy-verdict': opts.stableVerdict } } : {}),
  })
  const fresh = aReplicaSet({
    name: 'web-v2',
    replicas: 2,
    revision: 3,
    image: 'app:v2',
    owner: d,
    ...(opts.newVerdict ? { annotations: { 'baton.dev/failure-policy-verdict': opts.newVerdict } } : {}),
  })
  // The Deployment's template is app:v2: make the new set's template equal it.
  fresh.spec.template = structuredClone(d.spec.template)
  fresh.spec.template.metadata!.labels = { ...fresh.spec.template.metadata?.labels, 'pod-template-hash': 'v2' }
  return [older, stable, fresh]
}

interface PodState {
  ready?: boolean
  /** Seconds after T0 of the Ready condition's last transition / the container's start. */
  since?: number
  restarts?: number
  crashLoop?: boolean
}

function pod(name: string, s: PodState = {}): Pod {
  const p = aPod({ name, ready: s.ready ?? true, readySince: s.since ?? 0 })
  p.status!.containerStatuses = [
    {
      name: 'app',
      state: s.crashLoop ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: { startedAt: at(s.since ?? 0) } },
      lastState: {},
      ready: s.ready ?? true,
      started: true,
      restartCount: s.restarts ?? 0,
      image: 'app:v2',
      imageID: '',
    },
  ]
  return p
}

const healthy = [pod('web-v2-a'), pod('web-v2-b')]

function traffic(requests: number, errors = 0): RevisionCounters {
  return { requests, errors, failedConnections: 0, latency: requests > 0 ? [[1, requests]] : [] }
}

const types = (actions: FailurePolicyAction[]) => actions.map((a) => a.type)

describe('planFailurePolicy: when it watches', () => {
  const cases: Array<{ name: string; d: Deployment; rss?: ReplicaSet[]; want: string[] }> = [
    { name: 'no policy: nothing', d: deployment({}), want: [] },
    { name: 'paused: nothing', d: deployment(ROLLBACK, { paused: true }), want: [] },
    {
      name: 'a decided revision is not judged again',
      d: deployment(),
      rss: sets(deployment(), { newVerdict: 'passed' }),
      want: [],
    },
    {
      name: 'the first revision has nothing to go back to',
      d: deployment(),
      rss: sets(deployment()).slice(2),
      want: [],
    },
    {
      name: 'after an automatic rollback, the restored revision is not judged',
      d: deployment({ ...ROLLBACK, 'baton.dev/rolled-back-generation': '4' }),
      want: [],
    },
    { name: 'a healthy rollout in progress: figures again in a second', d: deployment(), want: ['requeue'] },
  ]
  it.each(cases)('$name', ({ d, rss, want }) => {
    const crashing = [pod('web-v2-a', { restarts: 1 })]
    // Crashing pods would fail a watched revision: an empty plan means it is not watched.
    const input = {
      deployment: d,
      replicaSets: rss ?? sets(d),
      newPods: want.length ? [pod('x', { ready: false, since: 59 })] : crashing,
    }
    expect(types(planFailurePolicy(input, T0 + 60_000))).toEqual(want)
  })
})

describe('planFailurePolicy: failure signals', () => {
  const now = T0 + 60_000
  const cases: Array<{
    name: string
    pods?: Pod[]
    d?: Deployment
    figures?: FailurePolicyInput['figures']
    fails: RegExp | false
  }> = [
    {
      name: 'a new pod that restarted',
      pods: [pod('web-v2-a', { restarts: 2 }), pod('web-v2-b')],
      fails: /revision 3 failed: 1 of 2 new pods failed, above the max failure ratio 0: web-v2-a restarted 2 times/,
    },
    {
      name: 'a new pod in CrashLoopBackOff',
      pods: [pod('web-v2-a', { crashLoop: true })],
      fails: /web-v2-a container app is in CrashLoopBackOff/,
    },
    {
      name: 'a new pod not Ready for a whole monitor window (failing its readiness probe)',
      pods: [pod('web-v2-a', { ready: false, since: 50 })],
      fails: /web-v2-a not Ready for 10s \(failing its readiness probe\)/,
    },
    {
      name: 'a new pod not Ready for less than the monitor window is still starting',
      pods: [pod('web-v2-a', { ready: false, since: 51 })],
      fails: false,
    },
    {
      name: 'failed pods within the max failure ratio are tolerated',
      d: deployment({ ...ROLLBACK, 'baton.dev/max-failure-ratio': '0.5' }),
      pods: [pod('web-v2-a', { restarts: 1 }), pod('web-v2-b')],
      fails: false,
    },
    {
      name: 'the progress deadline exceeded',
      d: (() => {
        const d = deployment()
        d.status = {
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-v2" has timed out progressing.',
            },
          ],
        }
        return d
      })(),
      fails: /progress deadline exceeded \(ReplicaSet "web-v2" has timed out progressing\.\)/,
    },
    {
      name: 'the new revision answering 5% 500s',
      figures: { candidate: traffic(1000, 50), stable: traffic(3000) },
      fails:
        /its traffic failed: new revision 5\.0% failed \(50 of 1000\), p99 1 ms, above the limit of 1\.0%; stable 0\.0% failed \(0 of 3000\)/,
    },
    {
      name: 'too few requests never fail (nor pass)',
      figures: { candidate: traffic(20, 20), stable: traffic(3000) },
      fails: false,
    },
  ]
  it.each(cases)('$name', ({ pods, d, figures, fails }) => {
    const dep = d ?? deployment()
    const input = { deployment: dep, replicaSets: sets(dep), newPods: pods ?? healthy, ...(figures ? { figures } : {}) }
    const actions = planFailurePolicy(input, now)
    if (fails === false) {
      expect(types(actions)).not.toContain('rollback')
      expect(actions.filter((a) => a.type === 'markReplicaSet' && a.verdict === 'failed')).toEqual([])
      return
    }
    expect(types(actions)).toEqual(['setCondition', 'rollback', 'markReplicaSet', 'event'])
    const event = actions.find((a) => a.type === 'event')
    expect(event).toMatchObject({ eventType: 'Warning', reason: 'RolledBack' })
    expect((event as { message: string }).message).toMatch(fails)
    expect((event as { message: string }).message).toMatch(/; rolled back to revision 2$/)
  })
})

describe('planFailurePolicy: the failure actions', () => {
  const now = T0 + 60_000
  const crashing = [pod('web-v2-a', { restarts: 1 })]

  it('rollback: the stable template, the policy kept, the generation it produces recorded', () => {
    const d = deployment({ ...ROLLBACK, 'kubernetes.io/change-cause': 'v2' })
    const actions = planFailurePolicy({ deployment: d, replicaSets: sets(d), newPods: crashing }, now)
    const rollback = actions[1] as Extract<FailurePolicyAction, { type: 'rollback' }>
    expect(rollback.template.spec?.containers[0]?.image).toBe('app:v1')
    expect(rollback.template.metadata?.labels?.['pod-template-hash']).toBeUndefined()
    expect(rollback.annotations).toMatchObject({ ...ROLLBACK, 'baton.dev/rolled-back-generation': '5' })
    expect(rollback.annotations['kubernetes.io/change-cause']).toBeUndefined()
    expect(actions[2]).toEqual({ type: 'markReplicaSet', name: 'web-v2', verdict: 'rolled-back' })
    expect(actions[0]).toMatchObject({
      type: 'setCondition',
      condition: { type: 'FailurePolicy', status: 'True', reason: 'RolledBack' },
    })
  })

  it('a revision rolled back before is judged again when applied again (a new try); one paused over is not', () => {
    const retried = deployment()
    const again = planFailurePolicy(
      { deployment: retried, replicaSets: sets(retried, { newVerdict: 'rolled-back' }), newPods: crashing },
      now,
    )
    expect(types(again)).toEqual(['setCondition', 'rollback', 'markReplicaSet', 'event'])
    const resumed = deployment({ 'baton.dev/failure-action': 'pause' })
    expect(
      planFailurePolicy(
        { deployment: resumed, replicaSets: sets(resumed, { newVerdict: 'failed' }), newPods: crashing },
        now,
      ),
    ).toEqual([])
  })

  it('rollback goes to the last good revision, past one rolled back before', () => {
    const d = deployment()
    const actions = planFailurePolicy(
      { deployment: d, replicaSets: sets(d, { stableVerdict: 'rolled-back' }), newPods: crashing },
      now,
    )
    const rollback = actions[1] as Extract<FailurePolicyAction, { type: 'rollback' }>
    expect(rollback.template.spec?.containers[0]?.image).toBe('app:v0')
  })

  it('rollback goes to the last good revision, past one that failed', () => {
    const d = deployment()
    const actions = planFailurePolicy(
      { deployment: d, replicaSets: sets(d, { stableVerdict: 'failed' }), newPods: crashing },
      now,
    )
    const rollback = actions[1] as Extract<FailurePolicyAction, { type: 'rollback' }>
    expect(rollback.template.spec?.containers[0]?.image).toBe('app:v0')
  })

  it('pause: spec.paused with the generation it produces, and a Warning that says how to go on', () => {
    const d = deployment({ 'baton.dev/failure-action': 'pause' })
    const actions = planFailurePolicy({ deployment: d, replicaSets: sets(d), newPods: crashing }, now)
    expect(actions[1]).toEqual({ type: 'pause', annotations: { 'baton.dev/failure-paused-generation': '5' } })
    expect(types(actions)).toEqual(['setCondition', 'pause', 'markReplicaSet', 'event'])
    expect(actions[3]).toMatchObject({ reason: 'FailurePolicyPaused' })
    expect((actions[3] as { message: string }).message).toMatch(/; paused \(resume with `baton rollout resume`/)
  })

  it('continue: the verdict and a Warning, the rollout left alone', () => {
    const d = deployment({ 'baton.dev/failure-action': 'continue' })
    const actions = planFailurePolicy({ deployment: d, replicaSets: sets(d), newPods: crashing }, now)
    expect(types(actions)).toEqual(['markReplicaSet', 'setCondition', 'event'])
    expect(actions[2]).toMatchObject({ eventType: 'Warning', reason: 'FailurePolicyContinued' })
  })
})

describe('planFailurePolicy: the end of the monitor window', () => {
  // Both new pods Ready since 40 s; monitor 10 s.
  const pods = [pod('web-v2-a', { since: 40 }), pod('web-v2-b', { since: 40 })]
  const cases: Array<{
    name: string
    at: number
    figures?: FailurePolicyInput['figures']
    want: string[]
    verdict?: string
  }> = [
    { name: 'inside the window: watch on', at: 49, figures: { candidate: traffic(5000) }, want: ['requeue'] },
    {
      name: 'after it with enough clean requests: passed',
      at: 50,
      figures: { candidate: traffic(5000), stable: traffic(5000) },
      want: ['markReplicaSet', 'setCondition', 'event'],
      verdict: 'passed',
    },
    {
      name: 'after it with too few requests: inconclusive, not passed',
      at: 50,
      figures: { candidate: traffic(3) },
      want: ['markReplicaSet', 'setCondition', 'event'],
      verdict: 'inconclusive',
    },
    {
      name: 'after it with no figures at all: inconclusive',
      at: 50,
      want: ['markReplicaSet', 'setCondition', 'event'],
      verdict: 'inconclusive',
    },
  ]
  it.each(cases)('$name', ({ at: seconds, figures, want, verdict }) => {
    const d = deployment()
    const actions = planFailurePolicy(
      { deployment: d, replicaSets: sets(d), newPods: pods, ...(figures ? { figures } : {}) },
      T0 + seconds * 1000,
    )
    expect(types(actions)).toEqual(want)
    if (verdict) expect(actions[0]).toEqual({ type: 'markReplicaSet', name: 'web-v2', verdict })
  })
})

describe('podFailure', () => {
  it('a pod being deleted is not judged', () => {
    const p = pod('a', { restarts: 3 })
    p.metadata.deletionTimestamp = at(0)
    expect(podFailure(p, 10_000, T0 + 60_000)).toBeUndefined()
  })
  it('a pod held back by its startup probe is still starting', () => {
    const p = pod('a', { ready: false, since: 0 })
    p.status!.containerStatuses![0]!.started = false
    expect(podFailure(p, 10_000, T0 + 60_000)).toBeUndefined()
  })
  it('a pod the runtime marked Failed', () => {
    const p = pod('a')
    p.status!.phase = 'Failed'
    p.status!.reason = 'Evicted'
    expect(podFailure(p, 10_000, T0)).toBe('failed (Evicted)')
  })
})
