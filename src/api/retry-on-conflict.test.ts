import { describe, expect, it } from 'vitest'
import { BatonError } from '../errors/baton-error.ts'
import { retryOnConflict } from './retry-on-conflict.ts'

const conflict = () => new BatonError('BATON_CONFLICT', 'stale')

describe('retryOnConflict', () => {
  it.each([
    { name: 'a first success runs once', failures: [], want: { calls: 1, result: 'ok' } },
    {
      name: 'conflicts are retried from a fresh call',
      failures: [conflict(), conflict()],
      want: { calls: 3, result: 'ok' },
    },
    {
      name: 'a conflict from another error class (the dashboard’s) counts too',
      failures: [Object.assign(new Error('x'), { code: 'BATON_CONFLICT' })],
      want: { calls: 2, result: 'ok' },
    },
    {
      name: 'any other error is thrown at once',
      failures: [new BatonError('BATON_NOT_FOUND', 'gone')],
      want: { calls: 1, code: 'BATON_NOT_FOUND' },
    },
    {
      name: 'the fifth conflict is thrown',
      failures: Array.from({ length: 5 }, conflict),
      want: { calls: 5, code: 'BATON_CONFLICT' },
    },
  ])('$name', async ({ failures, want }) => {
    let calls = 0
    const run = retryOnConflict(async () => {
      const err = failures[calls++]
      if (err) throw err
      return 'ok'
    })
    if ('code' in want) await expect(run).rejects.toMatchObject({ code: want.code })
    else expect(await run).toBe(want.result)
    expect(calls).toBe(want.calls)
  })
})
