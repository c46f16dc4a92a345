import { describe, expect, it } from 'vitest'
import { FakeClock, toTimestamp } from './clock.ts'

describe('FakeClock', () => {
  it('fires timers in due order, with now() at each due time', () => {
    const clock = new FakeClock(0)
    const seen: Array<[string, number]> = []
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200)
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100)
    clock.advance(150)
    expect(seen).toEqual([['a', 100]])
    clock.advance(100)
    expect(seen).toEqual([['a', 100], ['b', 200]])
    expect(clock.now()).toBe(250)
  })

  it('fires timers scheduled by timers within the same advance', () => {
    const clock = new FakeClock(0)
    const seen: number[] = []
    clock.setTimeout(() => clock.setTimeout(() => seen.push(clock.now()), 10), 10)
    clock.advance(25)
    expect(seen).toEqual([20])
  })

  it('does not fire cancelled timers', () => {
    const clock = new FakeClock(0)
    let fired = false
    clock.setTimeout(() => (fired = true), 5).cancel()
    clock.advance(10)
    expect(fired).toBe(false)
  })
})

describe('toTimestamp', () => {
  it('prints RFC 3339 at second precision like Kubernetes', () => {
    expect(toTimestamp(Date.parse('2026-11-21T20:57:03.999Z'))).toBe('2026-11-21T20:57:03Z')
  })
})
