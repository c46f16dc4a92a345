import { describe, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { createLogger } from '../platform/logger.ts'
import { PROJECTED_SYNC_MS, type RefreshOutcome, refreshProjectedEvery } from './projected-refresh.ts'

describe('refreshProjectedEvery', () => {
  it('refreshes every PROJECTED_SYNC_MS, logs each update and each new error once, and stops when cancelled', () => {
    const clock = new FakeClock()
    const lines: Array<{ msg: string; volume?: string; reason?: string }> = []
    const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) })
    // What each sync finds, in turn.
    const syncs: RefreshOutcome[][] = [
      [],
      [{ volume: 'cfg', updated: true }],
      [{ volume: 'cfg', error: 'configmap "c" not found' }],
      [{ volume: 'cfg', error: 'configmap "c" not found' }],
      [{ volume: 'cfg', updated: true }],
    ]
    let calls = 0
    const watch = refreshProjectedEvery(clock, logger, { pod: 'p' }, () => syncs[calls++] ?? [])
    expect(calls).toBe(0) // written at the start already: the first sync is one period later
    clock.advance(PROJECTED_SYNC_MS * syncs.length)
    expect(calls).toBe(syncs.length)
    expect(lines.map((l) => [l.msg, l.volume, l.reason])).toEqual([
      ['volume updated', 'cfg', undefined],
      ['volume not updated, keeping its files', 'cfg', 'configmap "c" not found'],
      ['volume updated', 'cfg', undefined],
    ])
    watch.cancel()
    clock.advance(PROJECTED_SYNC_MS * 3)
    expect(calls).toBe(syncs.length)
  })

  it('goes on after a refresh that throws', () => {
    const clock = new FakeClock()
    const lines: Array<{ msg: string }> = []
    const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) })
    let calls = 0
    const watch = refreshProjectedEvery(clock, logger, {}, () => {
      calls++
      throw new Error('EACCES')
    })
    clock.advance(PROJECTED_SYNC_MS * 2)
    watch.cancel()
    expect(calls).toBe(2)
    expect(lines.map((l) => l.msg)).toEqual(['volume refresh failed', 'volume refresh failed'])
  })
})
