import { describe, expect, it } from 'vitest'
import { slowStartBatch } from './slow-start.ts'

// Upstream's TestSlowStartBatch (pkg/controller/replicaset/replica_set_test.go), case for case.
describe('TestSlowStartBatch', () => {
  const fakeErr = new Error('fake error')
  it.each([
    {
      name: 'callLimit = 0 (all fail)',
      count: 10,
      callLimit: 0,
      expectedSuccesses: 0,
      expectedErr: fakeErr,
      expectedCallCnt: 1,
    },
    {
      name: 'callLimit = count (all succeed)',
      count: 10,
      callLimit: 10,
      expectedSuccesses: 10,
      expectedErr: undefined,
      expectedCallCnt: 10,
    },
    // 1 (first batch) + 2 (second) + 4 (third): the third batch holds the failures and is the last.
    {
      name: 'callLimit < count (some succeed)',
      count: 10,
      callLimit: 5,
      expectedSuccesses: 5,
      expectedErr: fakeErr,
      expectedCallCnt: 7,
    },
  ])('$name', ({ count, callLimit, expectedSuccesses, expectedErr, expectedCallCnt }) => {
    let callCnt = 0
    const fn = () => {
      callCnt++
      if (callCnt > callLimit) throw fakeErr
    }
    const { successes, error } = slowStartBatch(count, 1, fn)
    expect(successes).toBe(expectedSuccesses)
    expect(error).toBe(expectedErr)
    expect(callCnt).toBe(expectedCallCnt)
  })

  // Batches of 1, 2, 4, 8, … end at calls 1, 3, 7, 15, 31, …: a failure stops after its own batch.
  it.each([
    { count: 500, failAt: 1, calls: 1, successes: 0 },
    { count: 500, failAt: 2, calls: 3, successes: 2 },
    { count: 500, failAt: 8, calls: 15, successes: 14 },
    { count: 500, failAt: 300, calls: 500, successes: 499 },
    { count: 10, failAt: 9, calls: 10, successes: 9 },
    { count: 0, failAt: 1, calls: 0, successes: 0 },
  ])(
    'count $count failing at call $failAt: $calls calls, $successes successes',
    ({ count, failAt, calls, successes }) => {
      let n = 0
      const result = slowStartBatch(count, 1, () => {
        if (++n === failAt) throw new Error(`call ${n}`)
      })
      expect(n).toBe(calls)
      expect(result.successes).toBe(successes)
    },
  )
})
