/**
 * @module
 * The load balancer reports counters since it started (/apis/baton.dev/v1/traffic); a chart
 * wants the last second. Two snapshots a second apart give, per revision (pod-template-hash):
 * requests per second, the share of them that failed, and the p99 latency of just that window,
 * from the difference of the latency histograms' buckets.
 *
 * Example: 1,000 then 1,100 requests with 2 then 3 errors over 1 s → 100 req/s, 1 % errors.
 */
import type { LatencySnapshot, TrafficCounters, TrafficMetrics } from '../../proxy/types.ts'

export interface RevisionRate {
  rps: number
  /** 0..1 */
  errorRate: number
  /** undefined when the window has no request. */
  p99Ms?: number
}

/** Counters summed over every service (a revision may sit behind several ports). */
function byRevision(m: TrafficMetrics | undefined): Map<string, TrafficCounters[]> {
  const out = new Map<string, TrafficCounters[]>()
  for (const s of m?.services ?? []) {
    for (const [hash, c] of Object.entries(s.revisions)) out.set(hash, [...(out.get(hash) ?? []), c])
  }
  return out
}

/** The p99 of the requests in `next` but not in `prev`, from [upper bound ms, count] buckets. */
export function windowP99(prev: LatencySnapshot[], next: LatencySnapshot[]): number | undefined {
  const counts = new Map<number, number>()
  for (const s of next) for (const [ub, n] of s.buckets) counts.set(ub, (counts.get(ub) ?? 0) + n)
  for (const s of prev) for (const [ub, n] of s.buckets) counts.set(ub, (counts.get(ub) ?? 0) - n)
  const buckets = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => a - b)
  const total = buckets.reduce((sum, [, n]) => sum + n, 0)
  if (total === 0) return undefined
  const rank = Math.ceil(0.99 * total)
  let seen = 0
  for (const [ub, n] of buckets) {
    seen += n
    if (seen >= rank) return ub
  }
  return buckets[buckets.length - 1]![0]
}

const sum = (cs: TrafficCounters[], f: (c: TrafficCounters) => number) => cs.reduce((a, c) => a + f(c), 0)

export function trafficWindow(
  prev: TrafficMetrics | undefined,
  next: TrafficMetrics,
  seconds: number,
): Map<string, RevisionRate> {
  const before = byRevision(prev?.pid === next.pid ? prev : undefined)
  const out = new Map<string, RevisionRate>()
  for (const [hash, now] of byRevision(next)) {
    const was = before.get(hash) ?? []
    // A restarted load balancer starts from zero: then the whole count is this window's.
    const requests = Math.max(0, sum(now, (c) => c.requests) - sum(was, (c) => c.requests))
    const errors = Math.max(0, sum(now, (c) => c.errors) - sum(was, (c) => c.errors))
    const p99Ms = windowP99(
      was.map((c) => c.latency),
      now.map((c) => c.latency),
    )
    out.set(hash, {
      rps: requests / seconds,
      errorRate: requests > 0 ? errors / requests : 0,
      ...(p99Ms !== undefined ? { p99Ms } : {}),
    })
  }
  return out
}

/** Each revision's share (0..1) of the requests in a window; empty when there were none. */
export function trafficShares(rates: ReadonlyMap<string, RevisionRate>): Map<string, number> {
  const total = [...rates.values()].reduce((sum, r) => sum + r.rps, 0)
  return total > 0 ? new Map([...rates].map(([hash, r]) => [hash, r.rps / total])) : new Map()
}

/**
 * A p99 for the traffic table: whole milliseconds from 10 ms, one decimal below (the
 * histogram's interpolation gives "43.008", a width a phone's column has no room for).
 */
export function latencyText(ms: number | undefined): string {
  if (ms === undefined) return '–'
  return `${ms >= 10 ? Math.round(ms) : Math.round(ms * 10) / 10} ms`
}
