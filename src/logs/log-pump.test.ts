import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseCriLine } from './cri-format.ts'
import { readLogs } from './read-logs.ts'
import { spawnLogPump } from './spawn-log-pump.ts'

let podDir: string
const started: number[] = []

beforeEach(() => {
  podDir = mkdtempSync(path.join(tmpdir(), 'baton-pump-'))
})
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL')
  rmSync(podDir, { recursive: true, force: true })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function lines(opts: { timestamps?: boolean } = {}): Promise<string[]> {
  const out: string[] = []
  for await (const l of readLogs(podDir, 'app', opts)) out.push(l)
  return out
}

// Prints tick 0..N-1 every 20 ms on stdout (and every 5th on stderr), then "done" without a newline.
const TICKER = `let i = 0; const t = setInterval(() => { console.log('tick ' + i); if (i % 5 === 0) console.error('err ' + i);
  if (++i === Number(process.argv[1])) { clearInterval(t); process.stdout.write('done') } }, 20)`

describe('log pump', () => {
  it('stores both streams of a child with timestamps and exits when the child is gone', async () => {
    const pump = spawnLogPump({ podDir, container: 'app' })
    started.push(pump.pid)
    const app = spawn(process.execPath, ['-e', TICKER, '6'], { stdio: ['ignore', pump.stdout, pump.stderr] })
    pump.release()
    const code = await new Promise((resolve) => app.once('exit', resolve))
    await pump.exited
    expect(code).toBe(0)
    // The two streams are separate pipes: order holds within a stream, not across them.
    const got = await lines()
    expect(got.filter((l) => !l.startsWith('err'))).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5', 'done'])
    expect(got.filter((l) => l.startsWith('err'))).toEqual(['err 0', 'err 5'])
    const stamped = await lines({ timestamps: true })
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick 0$/)
  })

  it('keeps logging after the daemon that started it is SIGKILLed, and ignores SIGTERM', async () => {
    const spawner = path.join(podDir, 'fake-daemon.mjs')
    const pumpModule = fileURLToPath(new URL('./spawn-log-pump.ts', import.meta.url))
    writeFileSync(
      spawner,
      `import { spawn } from 'node:child_process'
import { spawnLogPump } from ${JSON.stringify(pumpModule)}
const pump = spawnLogPump({ podDir: process.argv[2], container: 'app' })
const app = spawn(process.execPath, ['-e', process.argv[3], '25'], { stdio: ['ignore', pump.stdout, pump.stderr], detached: true })
app.unref()
pump.release()
console.log(JSON.stringify({ app: app.pid, pump: pump.pid }))
setInterval(() => {}, 1000)
`,
    )
    const daemon = spawn(process.execPath, [spawner, podDir, TICKER], { stdio: ['ignore', 'pipe', 'inherit'] })
    started.push(daemon.pid as number)
    const pids = await new Promise<{ app: number; pump: number }>((resolve) =>
      daemon.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()))),
    )
    started.push(pids.app, pids.pump)
    await waitFor(async () => (await lines()).length > 0)
    daemon.kill('SIGKILL')
    process.kill(pids.pump, 'SIGTERM')
    await waitFor(() => !alive(pids.app) && !alive(pids.pump))
    const got = await lines()
    expect(got.filter((l) => l.startsWith('tick '))).toEqual(Array.from({ length: 25 }, (_, i) => `tick ${i}`))
    expect(got.at(-1)).toBe('done')
  })

  it('stamps each line when it arrives', async () => {
    const pump = spawnLogPump({ podDir, container: 'app' })
    started.push(pump.pid)
    await pump.ready
    spawn(process.execPath, ['-e', TICKER, '10'], { stdio: ['ignore', pump.stdout, pump.stderr] })
    pump.release()
    await pump.exited
    const times = readFileSync(path.join(podDir, 'logs', 'app.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Date.parse(parseCriLine(l)?.time ?? ''))
    // 10 ticks 20 ms apart span about 180 ms; generous bounds for a loaded machine.
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThan(100)
  })
})
