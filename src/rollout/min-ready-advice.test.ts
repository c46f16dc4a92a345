import { describe, expect, it } from 'vitest'
import { minReadySecondsAdvice } from './min-ready-advice.ts'
import { aDeployment } from '../../test/support/builders.ts'

describe('minReadySecondsAdvice', () => {
  it.each([
    {
      name: 'rolling update, minReadySeconds unset',
      o: { replicas: 10, maxSurge: 1, maxUnavailable: 1 },
      advised: true,
    },
    {
      name: 'rolling update with maxUnavailable 0: a failing new pod still stops an old one',
      o: { replicas: 3, maxSurge: 1, maxUnavailable: 0 },
      advised: true,
    },
    { name: 'minReadySeconds set', o: { replicas: 10, minReadySeconds: 10 }, advised: false },
    { name: 'Recreate: every old pod stops anyway', o: { replicas: 3, strategy: 'Recreate' as const }, advised: false },
    { name: 'scaled to 0', o: { replicas: 0 }, advised: false },
  ])('$name: advised $advised', ({ o, advised }) => {
    const advice = minReadySecondsAdvice(aDeployment(o))
    expect(advice !== undefined).toBe(advised)
    if (advised) expect(advice).toMatch(/Set spec\.minReadySeconds \(e\.g\. 10\)/)
  })
})
