import { describe, expect, it, vi } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { silentLogger } from '../platform/logger.ts'
import { emptyMetrics, TrafficStats } from '../proxy/traffic-stats.ts'
import type { ServiceTraffic } from '../proxy/types.ts'
import { sampleOf, TrafficFigures } from './traffic-figures.ts'

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

describe('TrafficFigures', () => {
  it('asks the load balancer only while someone reads, and never hands out a stale sample', async () => {
    const clock = new FakeClock()
    let reads = 0
    const figures = new TrafficFigures(
      async () => {
        reads++
        return emptyMetrics(1, 7)
      },
      clock,
      silentLogger,
    )
    figures.start()
    const tick = async (ms: number) => {
      clock.advance(ms)
      await vi.waitFor(() => undefined)
      await Promise.resolve()
    }
    await tick(5_000)
    // Nobody asked: no read at all.
    expect(reads).toBe(0)
    expect(figures.latest()).toBeUndefined()
    await tick(1_000)
    await vi.waitFor(() => expect(reads).toBe(1))
    expect(figures.latest()).toEqual({ proxyStartedAtMs: 7, revisions: {}, atMs: expect.any(Number) })
    // Asked now and then: a read each second for 10 s after the last ask, then none.
    await tick(1_000)
    await tick(1_000)
    await vi.waitFor(() => expect(reads).toBe(3))
    for (let i = 0; i < 15; i++) await tick(1_000)
    const idle = reads
    expect(idle).toBeLessThanOrEqual(13)
    await tick(5_000)
    expect(reads).toBe(idle)
    expect(figures.latest()).toBeUndefined()
    figures.stop()
  })
})
