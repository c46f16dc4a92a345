import { describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { WorkQueue } from './work-queue.ts'

function drainKeys(q: WorkQueue): string[] {
  const keys: string[] = []
  for (let k = q.get(); k !== undefined; k = q.get()) {
    keys.push(k)
    q.done(k)
  }
  return keys
}

describe('WorkQueue', () => {
  it('deduplicates a key that is added many times before it is taken', () => {
    const q = new WorkQueue(new FakeClock(0))
    q.add('default/a')
    q.add('default/b')
    q.add('default/a')
    expect(drainKeys(q)).toEqual(['default/a', 'default/b'])
  })

  it('never hands out a key that is being processed; re-adds it on done()', () => {
    const q = new WorkQueue(new FakeClock(0))
    q.add('k')
    const first = q.get()
    expect(first).toBe('k')
    q.add('k')
    expect(q.get()).toBeUndefined()
    expect(q.isProcessing('k')).toBe(true)
    q.done('k')
    expect(q.get()).toBe('k')
  })

  it('addAfter keeps the earliest pending time per key and fires on the clock', () => {
    const clock = new FakeClock(0)
    const q = new WorkQueue(clock)
    q.addAfter('k', 100)
    q.addAfter('k', 50)
    q.addAfter('k', 500)
    clock.advance(49)
    expect(q.len()).toBe(0)
    clock.advance(1)
    expect(q.get()).toBe('k')
    q.done('k')
    clock.advance(1000)
    expect(q.len()).toBe(0)
    expect(clock.pendingTimers()).toBe(0)
  })

  it('uses one clock timer for many delayed keys', () => {
    const clock = new FakeClock(0)
    const q = new WorkQueue(clock)
    for (let i = 0; i < 100; i++) q.addAfter(`k${i}`, 1000 - i)
    expect(clock.pendingTimers()).toBe(1)
    clock.advance(1000)
    expect(drainKeys(q)).toHaveLength(100)
  })

  it.each([
    { name: 'first failure', failures: 0, ms: 5 },
    { name: 'second failure', failures: 1, ms: 10 },
    { name: 'tenth failure', failures: 9, ms: 2560 },
    { name: 'capped at 1000 s', failures: 30, ms: 1_000_000 },
    { name: 'no overflow far beyond the cap', failures: 5000, ms: 1_000_000 },
  ])('back-off: $name → $ms ms', ({ failures, ms }) => {
    expect(new WorkQueue(new FakeClock(0)).backoffMs(failures)).toBe(ms)
  })

  it('addRateLimited doubles per failure and forget resets it', () => {
    const clock = new FakeClock(0)
    const q = new WorkQueue(clock)
    const readyAt: number[] = []
    q.onReady(() => readyAt.push(clock.now()))
    for (let i = 0; i < 3; i++) {
      q.addRateLimited('k')
      clock.advance(100)
      const k = q.get()
      expect(k).toBe('k')
      q.done('k')
    }
    expect(readyAt).toEqual([5, 110, 220])
    expect(q.numRequeues('k')).toBe(3)
    q.forget('k')
    q.addRateLimited('k')
    clock.advance(5)
    expect(q.len()).toBe(1)
  })

  it('drops everything on shutdown', () => {
    const clock = new FakeClock(0)
    const q = new WorkQueue(clock)
    q.add('a')
    q.addAfter('b', 10)
    q.shutdown()
    q.add('c')
    clock.advance(100)
    expect(q.get()).toBeUndefined()
    expect(clock.pendingTimers()).toBe(0)
  })
})
