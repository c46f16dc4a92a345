import { describe, expect, it } from 'vitest'
import {
  addCounters,
  judgeRevision,
  quantileMs,
  type RevisionCounters,
  type Thresholds,
  type Verdict,
  windowOf,
} from './revision-figures.ts'

/** `requests` answered in `ms` each, `errors` of them 5xx, plus failed connection attempts. */
function counters(requests: number, errors = 0, failedConnections = 0, ms = 1): RevisionCounters {
  return { requests, errors, failedConnections, latency: requests > 0 ? [[ms, requests]] : [] }
}

const t: Thresholds = { minRequests: 100, maxErrorRatio: 0.01 }

describe('judgeRevision', () => {
  const cases: Array<{
    name: string
    candidate: RevisionCounters
    stable?: RevisionCounters
    thresholds?: Partial<Thresholds>
    verdict: Verdict
    reason: RegExp
  }> = [
    {
      name: 'no requests at all is inconclusive, never a pass',
      candidate: counters(0),
      stable: counters(1000),
      verdict: 'inconclusive',
      reason: /too few requests to judge: 0 of the 100 needed/,
    },
    {
      name: 'a perfect small sample is inconclusive',
      candidate: counters(99),
      verdict: 'inconclusive',
      reason: /99 of the 100/,
    },
    {
      name: 'a small sample that is all errors is still inconclusive',
      candidate: counters(10, 10),
      verdict: 'inconclusive',
      reason: /10 of the 100/,
    },
    {
      name: 'enough clean requests pass',
      candidate: counters(100),
      stable: counters(500),
      verdict: 'pass',
      reason: /0\.0% failed \(0 of 100\)/,
    },
    {
      name: '5% 5xx fails against a clean stable',
      candidate: counters(1000, 50),
      stable: counters(1000),
      verdict: 'fail',
      reason: /5\.0% failed \(50 of 1000\), p99 1 ms, above the limit of 1\.0%; stable 0\.0% failed/,
    },
    {
      name: 'exactly at the limit passes',
      candidate: counters(1000, 10),
      stable: counters(1000),
      verdict: 'pass',
      reason: /1\.0% failed/,
    },
    {
      name: 'no worse than a stable that already fails 5% passes',
      candidate: counters(1000, 55),
      stable: counters(1000, 50),
      verdict: 'pass',
      reason: /5\.5% failed/,
    },
    {
      name: 'a stable with too few requests counts as 0%: its ratio is not trusted',
      candidate: counters(1000, 55),
      stable: counters(20, 10),
      verdict: 'fail',
      reason: /above the limit of 1\.0%/,
    },
    {
      name: 'refused connections count as attempts and failures (retried elsewhere, unseen by clients)',
      candidate: counters(0, 0, 150),
      stable: counters(1000),
      verdict: 'fail',
      reason: /100\.0% failed \(150 of 150\)/,
    },
    {
      name: 'a slow p99 fails when a latency limit is set',
      candidate: counters(1000, 0, 0, 50),
      stable: counters(1000, 0, 0, 10),
      thresholds: { maxP99Ratio: 2 },
      verdict: 'fail',
      reason: /p99 50 ms is above 2 × the stable p99 10 ms/,
    },
    {
      name: 'a p99 within the ratio passes',
      candidate: counters(1000, 0, 0, 19),
      stable: counters(1000, 0, 0, 10),
      thresholds: { maxP99Ratio: 2 },
      verdict: 'pass',
      reason: /p99 19 ms/,
    },
    {
      name: 'a p99 over the ratio by less than the slack passes (loopback noise)',
      candidate: counters(1000, 0, 0, 4),
      stable: counters(1000, 0, 0, 1),
      thresholds: { maxP99Ratio: 2 },
      verdict: 'pass',
      reason: /p99 4 ms/,
    },
    {
      name: 'a latency limit without a stable sample is inconclusive',
      candidate: counters(1000),
      stable: counters(5),
      thresholds: { maxP99Ratio: 2 },
      verdict: 'inconclusive',
      reason: /no stable sample to compare p99/,
    },
    {
      name: 'the latency limit is not judged when unset, even with no stable',
      candidate: counters(1000, 0, 0, 500),
      verdict: 'pass',
      reason: /p99 500 ms/,
    },
  ]
  it.each(cases)('$name', ({ candidate, stable, thresholds, verdict, reason }) => {
    const j = judgeRevision(candidate, stable, { ...t, ...thresholds })
    expect(j.verdict).toBe(verdict)
    expect(j.reason).toMatch(reason)
  })
})

describe('windows over cumulative counters', () => {
  it('subtracts the base, bucket by bucket', () => {
    const base: RevisionCounters = {
      requests: 10,
      errors: 1,
      failedConnections: 2,
      latency: [
        [1, 8],
        [5, 2],
      ],
    }
    const now: RevisionCounters = {
      requests: 30,
      errors: 4,
      failedConnections: 2,
      latency: [
        [1, 20],
        [5, 2],
        [9, 8],
      ],
    }
    expect(windowOf(now, base)).toEqual({
      requests: 20,
      errors: 3,
      failedConnections: 0,
      latency: [
        [1, 12],
        [9, 8],
      ],
    })
  })
  it('a counter that went down (a replaced load balancer) makes the new counters the window', () => {
    const now = counters(5)
    expect(windowOf(now, counters(100))).toBe(now)
  })
  it('no base: everything since the load balancer started', () => {
    const now = counters(5)
    expect(windowOf(now, undefined)).toBe(now)
  })
  it('adds counters of two services, merging buckets', () => {
    expect(addCounters(counters(2, 1, 0, 3), counters(3, 0, 1, 1))).toEqual({
      requests: 5,
      errors: 1,
      failedConnections: 1,
      latency: [
        [1, 3],
        [3, 2],
      ],
    })
  })
  it.each([
    { q: 0.5, want: 1 },
    { q: 0.99, want: 100 },
    { q: 1, want: 100 },
  ])('quantile $q of 98 × 1 ms and 2 × 100 ms is $want', ({ q, want }) => {
    expect(
      quantileMs(
        [
          [1, 98],
          [100, 2],
        ],
        q,
      ),
    ).toBe(want)
  })
  it('the quantile of nothing is 0', () => {
    expect(quantileMs([], 0.99)).toBe(0)
  })
})
