import { describe, expect, it } from 'vitest'
import { pickIndex } from './balancer.ts'

const load = (...n: number[]) => n.map((inflight) => ({ inflight }))

describe('pickIndex', () => {
  it.each([
    { name: 'fewest in flight wins', items: load(3, 1, 2), cursor: 0, want: 1 },
    { name: 'ties go to the first at or after the cursor', items: load(0, 0, 0), cursor: 4, want: 1 },
    {
      name: 'a busier replica after the cursor loses to an idle one before it',
      items: load(0, 5, 5),
      cursor: 1,
      want: 0,
    },
    { name: 'no replica', items: load(), cursor: 0, want: -1 },
  ])('least-outstanding: $name', ({ items, cursor, want }) => {
    expect(pickIndex(items, 'least-outstanding', cursor)).toBe(want)
  })

  it('round-robin ignores load', () => {
    const items = load(9, 0, 0)
    expect([0, 1, 2, 3].map((c) => pickIndex(items, 'round-robin', c))).toEqual([0, 1, 2, 0])
  })

  it('skips excluded replicas (retries) and says -1 when all are', () => {
    const items = load(0, 0)
    expect(pickIndex(items, 'least-outstanding', 0, [items[0]!])).toBe(1)
    expect(pickIndex(items, 'round-robin', 0, items)).toBe(-1)
  })
})
