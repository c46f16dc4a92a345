import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { pidAlive } from './daemon-control.ts'

const started: number[] = []
afterEach(() => {
  for (const pid of started.splice(0)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
})

describe('pidAlive', () => {
  it('is true for a running process and false for one that does not exist', () => {
    expect(pidAlive(process.pid)).toBe(true)
    expect(pidAlive(2 ** 22 + 1)).toBe(false) // above Linux's pid_max
  })

  it('is false for a zombie: a killed daemon its parent has not reaped yet', async () => {
    // `sleep 0` ends at once; its parent execs into `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] })
    started.push(parent.pid!)
    const zombie = Number(await new Promise<string>((r) => parent.stdout.once('data', (c: Buffer) => r(c.toString()))))
    for (let i = 0; i < 50 && pidAlive(zombie); i++) await new Promise((r) => setTimeout(r, 20))
    expect(() => process.kill(zombie, 0)).not.toThrow() // still in the process table...
    expect(pidAlive(zombie)).toBe(false) // ...but dead
  })
})
