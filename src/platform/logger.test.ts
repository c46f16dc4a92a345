import { describe, expect, it } from 'vitest'
import { BatonError } from '../errors/baton-error.ts'
import { createLogger } from './logger.ts'

function capture() {
  const lines: string[] = []
  const logger = createLogger({ write: (l) => lines.push(l), now: () => 0 })
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('createLogger', () => {
  it('writes one JSON record per line: time, level, message, base fields and fields', () => {
    const { logger, records } = capture()
    logger.with({ controller: 'c' }).info('synced', { key: 'default/web' })
    expect(records()).toEqual([
      { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'synced', controller: 'c', key: 'default/web' },
    ])
  })

  it.each([
    {
      name: 'a plain Error: name, message and stack',
      err: new Error('boom'),
      want: { name: 'Error', message: 'boom', stack: expect.stringContaining('logger.test.ts') },
    },
    {
      name: 'a BatonError: with its code',
      err: new BatonError('BATON_CONFLICT', 'stale'),
      want: { name: 'BatonError', message: 'stale', code: 'BATON_CONFLICT', stack: expect.any(String) },
    },
    {
      name: 'a node error code (ENOENT)',
      err: Object.assign(new Error('no such file'), { code: 'ENOENT' }),
      want: { code: 'ENOENT', message: 'no such file' },
    },
    {
      name: 'a cause chain, each cause serialised the same way',
      err: new Error('sync failed', { cause: new BatonError('BATON_CONFLICT', 'stale', { cause: 'a string cause' }) }),
      want: {
        message: 'sync failed',
        cause: { name: 'BatonError', code: 'BATON_CONFLICT', stack: expect.any(String), cause: 'a string cause' },
      },
    },
  ])('serialises $name', ({ err, want }) => {
    const { logger, records } = capture()
    logger.error('failed', { err })
    expect(records()[0]!.err).toMatchObject(want)
  })

  it('cuts a cause chain that loops', () => {
    const a = new Error('a')
    const b = new Error('b', { cause: a })
    ;(a as { cause?: unknown }).cause = b
    const { logger, records } = capture()
    logger.error('failed', { err: a })
    expect(records()[0]!.err).toMatchObject({ message: 'a', cause: { message: 'b', cause: '[circular cause]' } })
  })
})
