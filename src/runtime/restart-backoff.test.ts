import { describe, expect, it } from 'vitest'
import { formatDelay, imagePullDelay, restartDelay } from './restart-backoff.ts'

describe('restartDelay', () => {
  it('follows the documented crash sequence for a container that exits every second', () => {
    let pending = 0
    const waits: string[] = []
    for (let exit = 1; exit <= 8; exit++) {
      const d = restartDelay(pending, 1000)
      waits.push(formatDelay(d.delayMs))
      pending = d.nextDelayMs
    }
    expect(waits).toEqual(['0s', '10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s'])
  })

  it.each([
    { name: 'ran 9 min: keeps backing off', pending: 80_000, ranForMs: 540_000, delayMs: 80_000 },
    { name: 'ran 10 min: resets and restarts at once', pending: 300_000, ranForMs: 600_000, delayMs: 0 },
  ])('$name', ({ pending, ranForMs, delayMs }) => {
    expect(restartDelay(pending, ranForMs).delayMs).toBe(delayMs)
  })
})

describe('imagePullDelay', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [5, 160_000],
    [6, 300_000],
    [20, 300_000],
  ])('after %i failed pulls waits %i ms', (n, ms) => {
    expect(imagePullDelay(n)).toBe(ms)
  })
})
