import { describe, expect, it } from 'vitest'
import { bucketOf, bucketRange, Histogram, mergeLatency } from './histogram.ts'

describe('Histogram', () => {
  it.each([0, 1, 15, 16, 17, 1_000, 1_500, 65_535, 10_000_000])(
    'bucket of %i contains it and is at most 1/16 wide',
    (us) => {
      const [lo, hi] = bucketRange(bucketOf(us))
      expect(lo).toBeLessThanOrEqual(us)
      expect(hi).toBeGreaterThan(us)
      expect(hi - lo).toBeLessThanOrEqual(Math.max(1, us / 16))
    },
  )

  it('worked example from the module comment: 1500 µs is bucket 119 = [1472, 1536)', () => {
    expect(bucketOf(1_500)).toBe(119)
    expect(bucketRange(119)).toEqual([1472, 1536])
  })

  it('reports percentiles within a bucket of the truth', () => {
    const h = new Histogram()
    for (let i = 1; i <= 1000; i++) h.record(i * 10) // 10 µs .. 10 ms, uniform
    const s = h.snapshot()
    expect(s.count).toBe(1000)
    expect(s.p50Ms).toBeGreaterThanOrEqual(5)
    expect(s.p50Ms).toBeLessThan(5 * 1.07)
    expect(s.p99Ms).toBeGreaterThanOrEqual(9.9)
    expect(s.p99Ms).toBeLessThanOrEqual(10)
    expect(s.maxMs).toBe(10)
  })

  it('merges two snapshots as if one histogram had seen everything', () => {
    const a = new Histogram()
    const b = new Histogram()
    const both = new Histogram()
    for (let i = 0; i < 100; i++) {
      a.record(100 + i)
      b.record(5_000 + i * 10)
      both.record(100 + i)
      both.record(5_000 + i * 10)
    }
    expect(mergeLatency(a.snapshot(), b.snapshot())).toEqual(both.snapshot())
  })
})
