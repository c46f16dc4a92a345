import { describe, expect, it } from 'vitest'
import { FakeClock, systemClock } from './clock.ts'

describe('FakeClock', () => {
  it('fires timers in due order, with now() at each due time', () => {
    const clock = new FakeClock(0)
    const seen: Array<[string, number]> = []
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200)
    clock.setTimeout(() => seen.push(['a', clock.now()]), 100)
    clock.advance(150)
    expect(seen).toEqual([['a', 100]])
    clock.advance(100)
    expect(seen).toEqual([
      ['a', 100],
      ['b', 200],
    ])
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

  it('fires ties in scheduling order and counts only pending timers', () => {
    const clock = new FakeClock(0)
    const seen: string[] = []
    for (const name of ['a', 'b', 'c', 'd']) clock.setTimeout(() => seen.push(name), 50)
    const cancelled = clock.setTimeout(() => seen.push('x'), 50)
    expect(clock.pendingTimers()).toBe(5)
    cancelled.cancel()
    cancelled.cancel()
    expect(clock.pendingTimers()).toBe(4)
    expect(clock.nextTimerAt()).toBe(50)
    clock.advance(50)
    expect(seen).toEqual(['a', 'b', 'c', 'd'])
    expect(clock.pendingTimers()).toBe(0)
    expect(clock.nextTimerAt()).toBeUndefined()
  })

  it('fires thousands of timers, some cancelled, some set by others, exactly as a sorted list would', () => {
    // A deterministic pseudo-random schedule checked against the obvious model: sort by
    // (due time, scheduling order), skip the cancelled ones.
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const clock = new FakeClock(0)
    const model: { at: number; seq: number; id: number; cancelled: boolean }[] = []
    const fired: number[] = []
    let seq = 0
    const schedule = (id: number, ms: number) => {
      const entry = { at: clock.now() + ms, seq: seq++, id, cancelled: false }
      model.push(entry)
      const handle = clock.setTimeout(() => {
        fired.push(id)
        // Every tenth timer schedules a follow-up, as controllers re-arm theirs.
        if (id % 10 === 0 && id < 5000) schedule(id + 5000, rand(300))
      }, ms)
      return { entry, handle }
    }
    const handles = Array.from({ length: 3000 }, (_, id) => schedule(id, rand(1000)))
    for (const h of handles) {
      if (rand(3) !== 0) continue
      h.entry.cancelled = true
      h.handle.cancel()
    }
    for (let t = 0; t < 1400; t += 1 + rand(50)) clock.advance(1 + rand(50))
    clock.advance(10_000)
    const expected = model
      .filter((e) => !e.cancelled)
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((e) => e.id)
    expect(fired).toEqual(expected)
    expect(clock.pendingTimers()).toBe(0)
  })
})

describe('Clock.sleep', () => {
  it.each([
    { name: 'resolves after its time', abortAt: undefined, resolvedAt: 1000 },
    { name: 'resolves early, cancelling its timer, when the signal aborts', abortAt: 300, resolvedAt: 300 },
    { name: 'resolves at once when the signal has already aborted', abortAt: 0, resolvedAt: 0 },
  ])('FakeClock: $name', async ({ abortAt, resolvedAt }) => {
    const clock = new FakeClock(0)
    const ac = new AbortController()
    if (abortAt === 0) ac.abort()
    else if (abortAt !== undefined) clock.setTimeout(() => ac.abort(), abortAt)
    let at: number | undefined
    const slept = clock.sleep(1000, ac.signal).then(() => (at = clock.now()))
    for (let t = 0; t < 1000 && at === undefined; t += 100) {
      await Promise.resolve()
      clock.advance(100)
      await Promise.resolve()
    }
    await slept
    expect(at).toBeLessThanOrEqual(resolvedAt + 100)
    expect(at).toBeGreaterThanOrEqual(resolvedAt)
    expect(clock.pendingTimers()).toBe(0)
  })

  it('systemClock: an aborted sleep resolves without waiting for its timer', async () => {
    const ac = new AbortController()
    const t0 = performance.now()
    const slept = systemClock.sleep(60_000, ac.signal)
    ac.abort()
    await slept
    expect(performance.now() - t0).toBeLessThan(5_000)
  })
})
