import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import type { Rollout, RolloutStatus } from '../../api/types.ts'
import type { RevisionRate } from './traffic-window.ts'
import { percentText, weightView, type WeightView } from './rollout-weight.ts'

function at(status: RolloutStatus, blueGreen = false): Rollout {
  const r = demoRollout()
  if (blueGreen) r.spec.strategy = { blueGreen: { activeService: 'active' } }
  return { ...r, status }
}
const weights = (stable: string, canary: string, w: number): RolloutStatus['canary'] => ({
  weights: { canary: { podTemplateHash: canary, weight: w }, stable: { podTemplateHash: stable, weight: 100 - w } },
})
const second = (rates: Record<string, number>): Map<string, RevisionRate> =>
  new Map(Object.entries(rates).map(([hash, rps]) => [hash, { rps, errorRate: 0 }]))

// demoRollout's steps: setWeight 20, pause {}, setWeight 40, pause 10, setWeight 60, pause '10s'.
const PAUSED_AT_20: RolloutStatus = {
  stableRS: 'blue',
  currentPodHash: 'green',
  currentStepIndex: 1,
  canary: weights('blue', 'green', 20),
}

describe('weightView', () => {
  it.each<{ name: string; r: Rollout; samples: Map<string, RevisionRate>[]; want: WeightView }>([
    {
      name: 'paused at setWeight 20 with the load balancer at 20%',
      r: at(PAUSED_AT_20),
      samples: Array.from({ length: 5 }, () => second({ blue: 80, green: 20 })),
      want: { desired: 20, applied: 20, measured: 20, requests: 500 },
    },
    {
      name: 'the canary’s pods not available yet: the steps ask 40, the load balancer still applies 20',
      r: at({ ...PAUSED_AT_20, currentStepIndex: 2 }),
      samples: [second({ blue: 80, green: 20 })],
      want: { desired: 40, applied: 20, measured: 20, requests: 100 },
    },
    {
      name: 'only the last 5 seconds count',
      r: at(PAUSED_AT_20),
      samples: [second({ blue: 0, green: 1000 }), ...Array.from({ length: 5 }, () => second({ blue: 90, green: 10 }))],
      want: { desired: 20, applied: 20, measured: 10, requests: 500 },
    },
    {
      name: 'other revisions and services are not in the share',
      r: at(PAUSED_AT_20),
      samples: [second({ blue: 75, green: 25, other: 1000 })],
      want: { desired: 20, applied: 20, measured: 25, requests: 100 },
    },
    {
      name: 'no request: nothing measured',
      r: at(PAUSED_AT_20),
      samples: [second({})],
      want: { desired: 20, applied: 20, requests: 0 },
    },
    {
      name: 'aborted: 0 asked, 0 applied, all traffic on stable',
      r: at({ ...PAUSED_AT_20, abort: true, canary: weights('blue', 'green', 0) }),
      samples: [second({ blue: 100, green: 0 })],
      want: { desired: 0, applied: 0, measured: 0, requests: 100 },
    },
    {
      name: 'fully promoted: the new revision, stable now, has it all (Argo’s ActualWeight 100)',
      r: at({ stableRS: 'green', currentPodHash: 'green', currentStepIndex: 6, canary: weights('green', 'green', 0) }),
      samples: [second({ green: 100, blue: 0 })],
      want: { desired: 100, applied: 100, measured: 100, requests: 100 },
    },
    {
      name: 'blueGreen has no weight',
      r: at({ stableRS: 'blue', currentPodHash: 'green', canary: weights('blue', 'green', 0) }, true),
      samples: [second({ blue: 100 })],
      want: { requests: 0 },
    },
  ])('$name', ({ r, samples, want }) => expect(weightView(r, samples)).toEqual(want))
})

describe('percentText', () => {
  it.each([
    { name: 'whole', p: 10, want: '10%' },
    { name: 'one decimal', p: 9.8361, want: '9.8%' },
    { name: 'rounds to whole', p: 24.96, want: '25%' },
    { name: 'nothing measured', p: undefined, want: '–' },
  ])('$name: $p → $want', ({ p, want }) => expect(percentText(p)).toBe(want))
})
