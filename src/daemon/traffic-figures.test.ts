import { describe, expect, it } from 'vitest'
import { emptyMetrics, TrafficStats } from '../proxy/traffic-stats.ts'
import type { ServiceTraffic } from '../proxy/types.ts'
import { sampleOf } from './traffic-figures.ts'

function service(listen: string, revisions: Record<string, TrafficStats>): ServiceTraffic {
  return {
    namespace: 'default',
    service: listen,
    listen,
    mode: 'http',
    backends: 1,
    waiting: 0,
    totals: new TrafficStats().snapshot(),
    revisions: Object.fromEntries(Object.entries(revisions).map(([k, v]) => [k, v.snapshot()])),
  }
}

describe('sampleOf', () => {
  it('sums a revision over every service that routes to it, and leaves out pods without a hash', () => {
    const a = new TrafficStats()
    a.answered(200, 1000)
    a.answered(500, 1000)
    const b = new TrafficStats()
    b.answered(200, 3000)
    b.connectionFailed()
    const m = { ...emptyMetrics(1, 42), services: [service('a', { abc: a, '': a }), service('b', { abc: b })] }
    expect(sampleOf(m)).toEqual({
      proxyStartedAtMs: 42,
      revisions: {
        abc: {
          requests: 3,
          errors: 1,
          failedConnections: 1,
          latency: [
            [1.024, 2],
            [3.072, 1],
          ],
        },
      },
    })
  })
})
