import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import type { Rollout, RolloutStatus } from '../../api/types.ts'
import { verbStates } from './rollout-verbs.ts'

function at(status: RolloutStatus | undefined, paused = false): Rollout {
  const r = demoRollout()
  return { ...r, spec: { ...r.spec, paused }, ...(status ? { status } : {}) }
}
const PAUSED: RolloutStatus = {
  stableRS: 'blue',
  currentPodHash: 'green',
  currentStepIndex: 1,
  pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }],
  controllerPause: true,
}

describe('verbStates', () => {
  const enabled = (r: Rollout) =>
    verbStates(r)
      .filter((v) => v.enabled)
      .map((v) => v.verb)
  it.each<{ name: string; r: Rollout; want: string[] }>([
    {
      name: 'paused at a step: promote, promote full, abort',
      r: at(PAUSED),
      want: ['promote', 'promote-full', 'abort'],
    },
    { name: 'aborted: only retry', r: at({ ...PAUSED, abort: true }), want: ['retry'] },
    {
      name: 'stable, nothing under way: nothing to do',
      r: at({ stableRS: 'green', currentPodHash: 'green', currentStepIndex: 6 }),
      want: [],
    },
    {
      name: 'spec.paused with nothing under way: promote resumes it',
      r: at(undefined, true),
      want: ['promote', 'promote-full'],
    },
  ])('$name', ({ r, want }) => expect(enabled(r)).toEqual(want))

  it('gives the verb’s own refusal as the reason a button is off', () => {
    const retry = verbStates(at(PAUSED)).find((v) => v.verb === 'retry')
    expect(retry).toEqual({
      verb: 'retry',
      enabled: false,
      reason: "rollout 'rollouts-demo' is not aborted: nothing to retry",
    })
  })
})
