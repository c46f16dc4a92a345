import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { afterFailure, planWindows, selectTargets, windowCount } from './plan.ts'

const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`)

describe('windowCount', () => {
  it.each([
    ['1 of 4', 1, 4, 1],
    ['3 of 4', 3, 4, 3],
    ['a count above the targets is all of them', 9, 4, 4],
    ['50% of 4', '50%', 4, 2],
    ['50% of 5 rounds down', '50%', 5, 2],
    ['10% of 4 is still 1', '10%', 4, 1],
    ['100% of 4', '100%', 4, 4],
    ['no targets', '50%', 0, 0],
  ] as const)('%s', (_name, size, targets, want) => {
    expect(windowCount(size, targets)).toBe(want)
  })
})

describe('planWindows', () => {
  it.each([
    ['window 1', 1, 4, [['t1'], ['t2'], ['t3'], ['t4']]],
    [
      'window 50%',
      '50%',
      4,
      [
        ['t1', 't2'],
        ['t3', 't4'],
      ],
    ],
    ['a last window that is smaller', 2, 5, [['t1', 't2'], ['t3', 't4'], ['t5']]],
    ['one window for all', '100%', 3, [['t1', 't2', 't3']]],
  ] as const)('%s', (_name, size, n, want) => {
    expect(planWindows(names(n), size)).toEqual(want)
  })
})

describe('selectTargets', () => {
  const targets = [
    { name: 'a', tags: ['web', 'eu'] },
    { name: 'b', tags: ['web'] },
    { name: 'c', tags: [] },
  ]
  it.each([
    ['no tags: all', [], ['a', 'b', 'c']],
    ['one tag', ['web'], ['a', 'b']],
    ['every tag must match', ['web', 'eu'], ['a']],
  ] as const)('%s', (_name, tags, want) => {
    expect(selectTargets(targets, tags).map((t) => t.name)).toEqual(want)
  })
  it('refuses tags no target carries', () => {
    expectBatonError(() => selectTargets(targets, ['db']), 'BATON_USAGE')
  })
})

describe('afterFailure', () => {
  it.each([
    ['stop ends the rollout', { action: 'stop', maxFailedTargets: 0 }, 1, 2, 'stop'],
    ['rollback also rolls the done windows back', { action: 'rollback', maxFailedTargets: 0 }, 1, 2, 'rollback-done'],
    ['continue within the budget', { action: 'continue', maxFailedTargets: 1 }, 1, 2, 'continue'],
    ['continue past the budget stops', { action: 'continue', maxFailedTargets: 1 }, 2, 2, 'stop'],
    ['continue with no window left stops', { action: 'continue', maxFailedTargets: 3 }, 1, 0, 'stop'],
  ] as const)('%s', (_name, policy, failed, left, want) => {
    expect(afterFailure(policy, failed, left).next).toBe(want)
  })
})
