/**
 * @module
 * A log-linear latency histogram (HdrHistogram's layout, 4 significant bits): recording is
 * O(1) with no allocation, so it sits on the request hot path. Values are whole
 * microseconds; each power of two is cut into 16 buckets, so a bucket is at most 1/16
 * (6.25 %) wide relative to its value.
 *
 * Worked example: 1_500 µs has its top bit at 2^10, so its bucket is (10 - 3) * 16 +
 * ((1500 >> 6) & 15) = 112 + 7 = 119, which covers [1472, 1536) µs.
 */
import type { LatencySnapshot } from './types.ts'

const SUB_BITS = 4
const SUB = 1 << SUB_BITS
/** Values are clamped to 2^31 - 1 µs (about 35 minutes). */
const MAX_EXP = 30
export const BUCKETS = (MAX_EXP - SUB_BITS + 2) * SUB

export function bucketOf(us: number): number {
  const v = us < 0 ? 0 : us > 0x7fffffff ? 0x7fffffff : us | 0
  if (v < SUB) return v
  const e = 31 - Math.clz32(v)
  return (e - SUB_BITS + 1) * SUB + ((v >>> (e - SUB_BITS)) & (SUB - 1))
}

/** [lower, upper) in µs of a bucket. */
export function bucketRange(i: number): [number, number] {
  if (i < SUB) return [i, i + 1]
  const e = Math.floor(i / SUB) + SUB_BITS - 1
  const width = 2 ** (e - SUB_BITS)
  const lower = (SUB + (i % SUB)) * width
  return [lower, lower + width]
}

export class Histogram {
  readonly counts = new Float64Array(BUCKETS)
  count = 0
  sumUs = 0
  maxUs = 0

  record(us: number): void {
    this.counts[bucketOf(us)]!++
    this.count++
    this.sumUs += us
    if (us > this.maxUs) this.maxUs = us
  }

  snapshot(): LatencySnapshot {
    const buckets: Array<[number, number]> = []
    for (let i = 0; i < BUCKETS; i++) {
      const n = this.counts[i]!
      if (n > 0) buckets.push([bucketRange(i)[1] / 1000, n])
    }
    return summarize(buckets, this.count, this.sumUs / 1000, this.maxUs / 1000)
  }
}

/** Percentiles from sparse [upper bound ms, count] buckets (sorted), e.g. after a merge. */
export function summarize(
  buckets: Array<[number, number]>,
  count: number,
  sumMs: number,
  maxMs: number,
): LatencySnapshot {
  const at = (q: number): number => {
    if (count === 0) return 0
    const rank = Math.ceil(q * count)
    let seen = 0
    for (const [upper, n] of buckets) {
      seen += n
      // The upper bound overstates by at most one bucket width; never report above the max.
      if (seen >= rank) return round3(Math.min(upper, maxMs))
    }
    return round3(maxMs)
  }
  return { count, sumMs: round3(sumMs), maxMs: round3(maxMs), p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), buckets }
}

export function mergeLatency(a: LatencySnapshot, b: LatencySnapshot): LatencySnapshot {
  const byUpper = new Map<number, number>()
  for (const [u, n] of [...a.buckets, ...b.buckets]) byUpper.set(u, (byUpper.get(u) ?? 0) + n)
  const buckets = [...byUpper.entries()].sort((x, y) => x[0] - y[0])
  return summarize(buckets, a.count + b.count, a.sumMs + b.sumMs, Math.max(a.maxMs, b.maxMs))
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}
