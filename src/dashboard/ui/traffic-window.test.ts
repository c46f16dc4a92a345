import { describe, expect, it } from 'vitest'
import type { TrafficCounters, TrafficMetrics } from '../../proxy/types.ts'
import { latencyText, trafficShares, trafficWindow, windowP99 } from './traffic-window.ts'

function counters(requests: number, errors: number, buckets: Array<[number, number]>): TrafficCounters {
  return {
    requests,
    errors,
    status: { '1xx': 0, '2xx': requests - errors, '3xx': 0, '4xx': 0, '5xx': errors },
    failedConnections: 0,
    latency: { count: requests, sumMs: 0, maxMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, buckets },
  }
}
function metrics(pid: number, revisions: Record<string, TrafficCounters>): TrafficMetrics {
  const service = {
    namespace: 'default',
    service: 'web',
    listen: '127.0.0.1:8080',
    mode: 'http' as const,
    backends: 1,
    waiting: 0,
    totals: counters(0, 0, []),
    revisions,
  }
  return { pid, startedAtMs: 0, services: [service], pods: [], anomalies: {} as TrafficMetrics['anomalies'] }
}

describe('trafficWindow', () => {
  const cases = [
    {
      name: '100 requests in a second, one failed',
      prev: metrics(1, {
        a: counters(1000, 2, [
          [1, 990],
          [5, 10],
        ]),
      }),
      next: metrics(1, {
        a: counters(1100, 3, [
          [1, 1080],
          [5, 20],
        ]),
      }),
      want: { a: { rps: 100, errorRate: 0.01, p99Ms: 5 } },
    },
    {
      name: 'a new revision appears: everything so far is this window',
      prev: metrics(1, { a: counters(10, 0, [[1, 10]]) }),
      next: metrics(1, { a: counters(10, 0, [[1, 10]]), b: counters(50, 0, [[2, 50]]) }),
      want: { a: { rps: 0, errorRate: 0 }, b: { rps: 50, errorRate: 0, p99Ms: 2 } },
    },
    {
      name: 'the load balancer restarted (new pid): counters start again',
      prev: metrics(1, { a: counters(5000, 0, [[1, 5000]]) }),
      next: metrics(2, { a: counters(20, 0, [[1, 20]]) }),
      want: { a: { rps: 20, errorRate: 0, p99Ms: 1 } },
    },
  ]
  it.each(cases)('$name', ({ prev, next, want }) => {
    expect(Object.fromEntries(trafficWindow(prev, next, 1))).toEqual(want)
  })

  it('p99 of a window is the bucket holding the 99th percentile request', () => {
    const before = [
      { count: 0, sumMs: 0, maxMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, buckets: [] as Array<[number, number]> },
    ]
    const after = [
      {
        ...before[0]!,
        buckets: [
          [1, 98],
          [2, 1],
          [40, 1],
        ] as Array<[number, number]>,
      },
    ]
    expect(windowP99(before, after)).toBe(2)
  })
})

describe('trafficShares', () => {
  const rate = (rps: number) => ({ rps, errorRate: 0 })
  it.each([
    {
      name: 'mid-rollout',
      rates: [
        ['old', rate(150)],
        ['new', rate(50)],
      ] as const,
      want: { old: 0.75, new: 0.25 },
    },
    { name: 'one revision', rates: [['new', rate(80)]] as const, want: { new: 1 } },
    { name: 'no traffic', rates: [['old', rate(0)]] as const, want: {} },
  ])('$name', ({ rates, want }) => {
    expect(Object.fromEntries(trafficShares(new Map(rates)))).toEqual(want)
  })
})

describe('latencyText', () => {
  it.each([
    { name: 'no request in the window', ms: undefined, want: '–' },
    { name: 'an interpolated figure over 10 ms: whole ms', ms: 43.008, want: '43 ms' },
    { name: 'exactly 10 ms', ms: 10, want: '10 ms' },
    { name: 'under 10 ms: one decimal', ms: 2.46, want: '2.5 ms' },
    { name: 'a whole figure under 10 stays whole', ms: 4, want: '4 ms' },
  ])('$name', ({ ms, want }) => expect(latencyText(ms)).toBe(want))
})
