import { describe, expect, it } from 'vitest'
import { actualWeightText } from './rollout-text.ts'
import { demoRollout } from './test-objects.ts'
import type { Rollout, RolloutStatus } from './types.ts'

// demoRollout's 6 steps: setWeight 20, pause {}, setWeight 40, pause 10, setWeight 60, pause '10s'.
function at(status: RolloutStatus | undefined, strategy?: Rollout['spec']['strategy']): Rollout {
  const r = demoRollout()
  if (strategy) r.spec.strategy = strategy
  return status ? { ...r, status } : r
}
const weights = (stable: string, canary: string, w: number): RolloutStatus['canary'] => ({
  weights: { canary: { podTemplateHash: canary, weight: w }, stable: { podTemplateHash: stable, weight: 100 - w } },
})

describe('actualWeightText (the plugin’s ActualWeight)', () => {
  it.each<{ name: string; r: Rollout; want: string }>([
    {
      name: 'paused at setWeight 20: the weight the load balancer applies',
      r: at({ stableRS: 'blue', currentPodHash: 'green', currentStepIndex: 1, canary: weights('blue', 'green', 20) }),
      want: '20',
    },
    {
      name: 'at step 0 before the canary’s pods are available: still 0',
      r: at({ stableRS: 'blue', currentPodHash: 'green', currentStepIndex: 0, canary: weights('blue', 'green', 0) }),
      want: '0',
    },
    {
      name: 'fully promoted (every step done): 100, as Argo prints with no current step',
      r: at({ stableRS: 'green', currentPodHash: 'green', currentStepIndex: 6, canary: weights('green', 'green', 0) }),
      want: '100',
    },
    {
      name: 'canary without steps: no current step, 100',
      r: at({ stableRS: 'blue', currentPodHash: 'blue', canary: weights('blue', 'blue', 0) }, { canary: {} }),
      want: '100',
    },
    {
      name: 'aborted: the stable takes it all, 0',
      r: at({
        stableRS: 'blue',
        currentPodHash: 'green',
        currentStepIndex: 2,
        abort: true,
        canary: weights('blue', 'green', 0),
      }),
      want: '0',
    },
    {
      name: 'mid-steps before the controller wrote weights: unknown',
      r: at({ currentStepIndex: 1 }),
      want: '-',
    },
    {
      name: 'blueGreen has no weight',
      r: at({ stableRS: 'blue', currentPodHash: 'green' }, { blueGreen: { activeService: 'active' } }),
      want: '-',
    },
  ])('$name', ({ r, want }) => expect(actualWeightText(r)).toBe(want))
})
