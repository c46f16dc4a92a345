import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { isRunning, parseProcStat, readProcStat } from './proc-stat.ts'

describe('parseProcStat', () => {
  it('splits after the last parenthesis so odd command names parse', () => {
    const line =
      '4242 (we ird) (x)) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615'
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

const started: number[] = []
afterEach(() => {
  for (const pid of started.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
})

describe('isRunning without a start time', () => {
  it('is true for a running process and false for one that does not exist', () => {
    expect(isRunning(process.pid)).toBe(true)
    expect(isRunning(2 ** 22 + 1)).toBe(false) // above Linux's pid_max
  })

  it('is false for a zombie: a killed daemon its parent has not reaped yet', async () => {
    // `sleep 0` ends at once; its parent execs into `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] })
    started.push(parent.pid!)
    const zombie = Number(await new Promise<string>((r) => parent.stdout.once('data', (c: Buffer) => r(c.toString()))))
    for (let i = 0; i < 50 && isRunning(zombie); i++) await new Promise((r) => setTimeout(r, 20))
    expect(() => process.kill(zombie, 0)).not.toThrow() // still in the process table...
    expect(isRunning(zombie)).toBe(false) // ...but dead
  })
})
