import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import type { Rollout, RolloutCanaryStep, RolloutStatus } from '../../api/types.ts'
import { stepText, stepViews, type StepState } from './rollout-steps.ts'

const NOW = Date.parse('2026-01-01T00:00:20Z')
const UNDER_WAY: RolloutStatus = { stableRS: 'blue', currentPodHash: 'green' }

// demoRollout's steps: setWeight 20, pause {}, setWeight 40, pause 10, setWeight 60, pause '10s'.
function at(status: RolloutStatus | undefined, paused = false): Rollout {
  const r = demoRollout()
  return { ...r, spec: { ...r.spec, paused }, ...(status ? { status } : {}) }
}

describe('stepText', () => {
  it.each<{ name: string; step: RolloutCanaryStep; want: string }>([
    { name: 'a weight', step: { setWeight: 10 }, want: 'Set weight 10%' },
    { name: 'a pause for promote', step: { pause: {} }, want: 'Pause until promoted' },
    { name: 'a pause in seconds', step: { pause: { duration: 30 } }, want: 'Pause 30s' },
    { name: 'a pause as a Go duration', step: { pause: { duration: '2m' } }, want: 'Pause 2m' },
    {
      name: 'an analysis',
      step: { analysis: { templates: [{ templateName: 'errors' }, { templateName: 'latency' }] } },
      want: 'Analysis: errors, latency',
    },
    {
      name: 'a header route set',
      step: { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] } },
      want: 'Header route beta: x-beta',
    },
    { name: 'a header route removed', step: { setHeaderRoute: { name: 'beta' } }, want: 'Remove header route beta' },
  ])('$name → $want', ({ step, want }) => expect(stepText(step)).toBe(want))
})

describe('stepViews', () => {
  const states = (r: Rollout) => stepViews(r, NOW).map((s) => s.state)
  it.each<{ name: string; r: Rollout; want: StepState[] }>([
    { name: 'no status yet: every step has run', r: at(undefined), want: Array(6).fill('done') },
    {
      name: 'the stable revision (fully promoted): every step has run',
      r: at({ stableRS: 'blue', currentPodHash: 'blue', currentStepIndex: 6 }),
      want: Array(6).fill('done'),
    },
    {
      name: 'paused at the second step',
      r: at({ ...UNDER_WAY, currentStepIndex: 1 }),
      want: ['done', 'current', 'pending', 'pending', 'pending', 'pending'],
    },
    {
      name: 'a new template starts at the first step',
      r: at({ ...UNDER_WAY, currentStepIndex: 0 }),
      want: ['current', 'pending', 'pending', 'pending', 'pending', 'pending'],
    },
    {
      name: 'aborted at the third step',
      r: at({ ...UNDER_WAY, currentStepIndex: 2, abort: true, message: 'RolloutAborted: aborted' }),
      want: ['done', 'done', 'aborted', 'pending', 'pending', 'pending'],
    },
    {
      name: 'past the last step, the canary scaling to full size',
      r: at({ ...UNDER_WAY, currentStepIndex: 6 }),
      want: Array(6).fill('done'),
    },
  ])('$name', ({ r, want }) => expect(states(r)).toEqual(want))

  it.each<{ name: string; r: Rollout; index: number; want: string }>([
    {
      name: 'a pause for promote',
      r: at({ ...UNDER_WAY, currentStepIndex: 1 }),
      index: 1,
      want: 'waiting for Promote',
    },
    {
      name: 'a timed pause, 10 s from its start 7 s ago',
      r: at({
        ...UNDER_WAY,
        currentStepIndex: 3,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:13Z' }],
      }),
      index: 3,
      want: 'resumes by itself in 3s (or Promote)',
    },
    {
      name: 'a weight waiting for pods',
      r: at({ ...UNDER_WAY, currentStepIndex: 2 }),
      index: 2,
      want: 'waiting for the canary’s pods to be available',
    },
    {
      name: 'spec.paused holds any step',
      r: at({ ...UNDER_WAY, currentStepIndex: 2 }, true),
      index: 2,
      want: 'held: spec.paused is true (Promote resumes)',
    },
    {
      name: 'an abort says why',
      r: at({ ...UNDER_WAY, currentStepIndex: 0, abort: true, message: 'RolloutAborted: analysis failed' }),
      index: 0,
      want: 'RolloutAborted: analysis failed',
    },
  ])('the current step says what it waits for: $name', ({ r, index, want }) =>
    expect(stepViews(r, NOW)[index]?.detail).toBe(want),
  )

  it('names the analysis run of an analysis step and its phase', () => {
    const r = at({
      ...UNDER_WAY,
      currentStepIndex: 0,
      canary: { currentStepAnalysisRunStatus: { name: 'web-green-2-0', status: 'Running' } },
    })
    r.spec.strategy.canary!.steps = [{ analysis: { templates: [{ templateName: 'errors' }] } }]
    expect(stepViews(r, NOW)).toEqual([
      { text: 'Analysis: errors', state: 'current', detail: 'analysis run web-green-2-0: Running' },
    ])
  })
})
