import { describe, expect, it } from 'vitest'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { pauseDeployment, planUndo, restartTemplate, resumeDeployment } from './rollback.ts'
import { T0, aDeployment, aReplicaSet } from '../../test/support/builders.ts'

const current = aDeployment({
  image: 'app:v3',
  annotations: {
    'deployment.kubernetes.io/revision': '3',
    'kubernetes.io/change-cause': 'v3',
    'kubectl.kubernetes.io/last-applied-configuration': '{"v":3}',
    team: 'a',
  },
})
const rss = [
  aReplicaSet({
    name: 'web-1',
    replicas: 0,
    revision: 1,
    image: 'app:v1',
    annotations: { 'kubernetes.io/change-cause': 'v1', 'deployment.kubernetes.io/desired-replicas': '1' },
  }),
  aReplicaSet({ name: 'web-2', replicas: 0, revision: 2, image: 'app:v2' }),
  aReplicaSet({ name: 'web-3', replicas: 1, revision: 3, image: 'app:v3' }),
]

/** "CODE: message" of the BatonError `fn` throws, as the cases below write it. */
function codeOf(fn: () => unknown): string {
  const e = thrownBatonError(fn)
  return `${e.code}: ${e.message}`
}

describe('planUndo', () => {
  it.each([
    { name: 'default undo picks the second-highest revision', to: 0, image: 'app:v2', revision: 2 },
    { name: 'a specific revision', to: 1, image: 'app:v1', revision: 1 },
  ])('$name', ({ to, image, revision }) => {
    const plan = planUndo(current, rss, to)
    expect(plan.kind).toBe('rollback')
    if (plan.kind !== 'rollback') return
    expect(plan.template.spec.containers[0]?.image).toBe(image)
    expect(plan.template.metadata?.labels).toEqual({ app: 'web' })
    expect(plan.revision).toBe(revision)
  })

  it('takes annotations from the target RS but keeps the controller-owned keys of the Deployment', () => {
    const plan = planUndo(current, rss, 1)
    expect(plan.kind === 'rollback' && plan.annotations).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"v":3}',
      'kubernetes.io/change-cause': 'v1',
    })
  })

  it.each([
    {
      name: 'matching revision is skipped',
      d: current,
      to: 3,
      want: 'skipped rollback (current template already matches revision 3)',
    },
    {
      name: 'the skip message names the revision as given',
      d: aDeployment({ image: 'app:v2' }),
      to: 0,
      want: 'skipped rollback (current template already matches revision 0)',
    },
  ])('$name', ({ d, to, want }) => {
    expect(planUndo(d, rss, to)).toEqual({ kind: 'skipped', message: want })
  })

  it.each([
    {
      name: 'unknown revision',
      rss,
      to: 7,
      want: 'BATON_REVISION_NOT_FOUND: unable to find specified revision 7 in history',
    },
    {
      name: 'negative revision',
      rss,
      to: -1,
      want: 'BATON_REVISION_NOT_FOUND: unable to find specified revision -1 in history',
    },
    {
      name: 'only one revision',
      rss: [rss[2]!],
      to: 0,
      want: 'BATON_REVISION_NOT_FOUND: no rollout history found for deployment "web"',
    },
    {
      name: 'no ReplicaSets',
      rss: [],
      to: 0,
      want: 'BATON_REVISION_NOT_FOUND: no rollout history found for deployment "web"',
    },
  ])('$name', ({ rss, to, want }) => {
    expect(codeOf(() => planUndo(current, rss, to))).toBe(want)
  })

  it('refuses a paused Deployment (after finding the revision)', () => {
    const paused = { ...current, spec: { ...current.spec, paused: true } }
    expect(codeOf(() => planUndo(paused, rss, 1))).toBe(
      "BATON_ROLLOUT_PAUSED: you cannot rollback a paused deployment; resume it first with 'baton rollout resume deployment/web' and try again",
    )
    expect(codeOf(() => planUndo(paused, rss, 9))).toMatch(/unable to find specified revision 9/)
  })
})

describe('restart, pause, resume', () => {
  it('restart stamps restartedAt in RFC 3339', () => {
    const t = restartTemplate(aDeployment(), T0 + 61_500)
    expect(t.metadata?.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:01:01Z' })
  })
  it.each([
    {
      name: 'restart of a paused Deployment',
      fn: () => restartTemplate(aDeployment({ paused: true }), T0),
      want: `BATON_ROLLOUT_PAUSED: deployments.apps "web" can't restart paused deployment (run rollout resume first)`,
    },
    {
      name: 'pause twice',
      fn: () => pauseDeployment(aDeployment({ paused: true })),
      want: 'BATON_ROLLOUT_PAUSED: deployments.apps "web" is already paused',
    },
    {
      name: 'resume when not paused',
      fn: () => resumeDeployment(aDeployment()),
      want: 'BATON_BAD_REQUEST: deployments.apps "web" is not paused',
    },
  ])('$name is refused', ({ fn, want }) => {
    expect(codeOf(fn)).toBe(want)
  })
  it('pause and resume flip spec.paused', () => {
    expect(pauseDeployment(aDeployment()).spec.paused).toBe(true)
    expect(resumeDeployment(aDeployment({ paused: true })).spec.paused).toBe(false)
  })
})
