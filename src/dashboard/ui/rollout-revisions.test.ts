import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import type { ReplicaSet, Rollout, RolloutStatus } from '../../api/types.ts'
import { roleText, rolloutRevisions } from './rollout-revisions.ts'

function rs(hash: string, revision: number, replicas: number, deadline?: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      labels: { 'rollouts-pod-template-hash': hash },
      annotations: {
        'rollout.argoproj.io/revision': String(revision),
        ...(deadline !== undefined ? { 'argo-rollouts.argoproj.io/scale-down-deadline': deadline } : {}),
      },
    },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
  }
}
function at(status: RolloutStatus, blueGreen = false): Rollout {
  const r = demoRollout()
  if (blueGreen) r.spec.strategy = { blueGreen: { activeService: 'active' } }
  return { ...r, status }
}
const DEADLINE = '2026-01-01T00:00:30Z'

describe('rolloutRevisions', () => {
  const roles = (r: Rollout, sets: ReplicaSet[]) =>
    rolloutRevisions(r, sets).map((v) => `${v.revision} ${v.hash} ${roleText(v)}`)
  it.each<{ name: string; r: Rollout; sets: ReplicaSet[]; want: string[] }>([
    {
      name: 'a canary under way, newest first',
      r: at({ stableRS: 'blue', currentPodHash: 'green' }),
      sets: [rs('blue', 1, 4), rs('green', 2, 1)],
      want: ['2 green canary', '1 blue stable'],
    },
    {
      name: 'a canary fully promoted: the old revision is old',
      r: at({ stableRS: 'green', currentPodHash: 'green' }),
      sets: [rs('blue', 1, 0), rs('green', 2, 4)],
      want: ['2 green stable', '1 blue old'],
    },
    {
      name: 'blueGreen previewing',
      r: at({ stableRS: 'blue', currentPodHash: 'green' }, true),
      sets: [rs('blue', 1, 3), rs('green', 2, 3)],
      want: ['2 green preview', '1 blue active'],
    },
    {
      name: 'blueGreen promoted, the previous revision kept warm until its deadline',
      r: at({ stableRS: 'green', currentPodHash: 'green' }, true),
      sets: [rs('blue', 1, 3, DEADLINE), rs('green', 2, 3)],
      want: ['2 green active', '1 blue previous, kept warm'],
    },
    {
      name: 'blueGreen post-promotion analysis: active is new, the previous stays stable',
      r: at({ stableRS: 'blue', currentPodHash: 'green', blueGreen: { activeSelector: 'green' } }, true),
      sets: [rs('blue', 1, 3), rs('green', 2, 3)],
      want: ['2 green active', '1 blue stable'],
    },
    {
      name: 'a deadline cleared (the revision serves again) or scaled down is not warm',
      r: at({ stableRS: 'green', currentPodHash: 'green' }, true),
      sets: [rs('blue', 1, 3, ''), rs('red', 0, 0, DEADLINE), rs('green', 2, 3)],
      want: ['2 green active', '1 blue old', '0 red old'],
    },
  ])('$name', ({ r, sets, want }) => expect(roles(r, sets)).toEqual(want))

  it('gives the warm revision its deadline', () => {
    const [, warm] = rolloutRevisions(at({ stableRS: 'green', currentPodHash: 'green' }, true), [
      rs('blue', 1, 3, DEADLINE),
      rs('green', 2, 3),
    ])
    expect(warm?.warmUntil).toBe(Date.parse(DEADLINE))
  })
})
