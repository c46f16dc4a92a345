import { describe, expect, it } from 'vitest'
import { isRunning, parseProcStat, readProcStat } from './proc-stat.ts'

describe('parseProcStat', () => {
  it('splits after the last parenthesis so odd command names parse', () => {
    const line = '4242 (we ird) (x)) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615'
    expect(parseProcStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 1, pgid: 4240, startTime: 987654 })
  })
})

describe('readProcStat', () => {
  it('reads this process and tells a different start time apart', () => {
    const me = readProcStat(process.pid)
    expect(me?.pid).toBe(process.pid)
    expect(isRunning(process.pid, me?.startTime)).toBe(true)
    expect(isRunning(process.pid, (me?.startTime ?? 0) + 1)).toBe(false)
    expect(isRunning(2 ** 22 + 7)).toBe(false)
  })
})
