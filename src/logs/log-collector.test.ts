import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeClock, systemClock } from '../platform/clock.ts'
import { isRunning } from '../platform/proc-stat.ts'
import type { ChildOutput } from './container-output.ts'
import { MAX_LINE_BYTES } from './container-log-writer.ts'
import { parseCriLine } from './cri-format.ts'
import { LogCollector, type LogCollectorOptions } from './log-collector.ts'
import { logsDir, offsetsFile, rawLogFile } from './log-files.ts'
import { readOffsets } from './offsets-file.ts'
import { readLogs } from './read-logs.ts'

const T0 = Date.parse('2026-11-21T20:57:00.000Z')
let podDir: string
const cleanups: Array<() => void> = []

beforeEach(() => {
  podDir = mkdtempSync(path.join(tmpdir(), 'baton-collector-'))
})
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
  rmSync(podDir, { recursive: true, force: true })
})

function collector(opts: Partial<LogCollectorOptions> = {}) {
  const clock = new FakeClock(T0)
  const logs = new LogCollector({ clock, periodMs: 200, ...opts })
  cleanups.push(() => logs.stop())
  return { clock, logs }
}

/** Starts an instance of "web" and keeps the app's ends open, as a running app would. */
function instance(logs: LogCollector, previous = false): ChildOutput {
  const out = logs.startInstance(podDir, 'web', { previous })
  cleanups.push(() => {
    try {
      out.release()
    } catch {
      // released by the test
    }
  })
  return out
}

const stored = () =>
  readFileSync(path.join(logsDir(podDir), 'web.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const l of it) out.push(l)
  return out
}

describe('LogCollector', () => {
  it('stores both streams as CRI records stamped when collected, interleaved in the order read', () => {
    const { clock, logs } = collector()
    const app = instance(logs)
    writeSync(app.stderr, 'oops\n')
    writeSync(app.stdout, 'a\nb\n')
    clock.advance(200)
    writeSync(app.stdout, 'c\n')
    clock.advance(200)
    expect(stored()).toEqual([
      '2026-11-21T20:57:00.200000000Z stdout F a',
      '2026-11-21T20:57:00.200000000Z stdout F b',
      '2026-11-21T20:57:00.200000000Z stderr F oops',
      '2026-11-21T20:57:00.400000000Z stdout F c',
    ])
  })

  it.each([
    {
      name: 'an unfinished line waits, is stored as P after 1 s of quiet, and reads back joined',
      steps: ['prompt> ', 200, 1000, 'answer\n', 200],
      tags: ['P', 'F'],
      lines: ['prompt> answer'],
    },
    {
      name: 'a line split across collections is one record',
      steps: ['hel', 200, 'lo\n', 200],
      tags: ['F'],
      lines: ['hello'],
    },
    {
      name: 'a line over 16 KiB is stored as P fragments at once',
      steps: ['x'.repeat(MAX_LINE_BYTES * 2 + 5), 200],
      tags: ['P', 'P'],
      lines: [],
    },
    {
      name: 'the unfinished last line of an exited instance becomes a full line',
      steps: ['bye', 200, 'finish'],
      tags: ['F'],
      lines: ['bye'],
    },
  ])('$name', async ({ steps, tags, lines }) => {
    const { clock, logs } = collector()
    const app = instance(logs)
    for (const s of steps) {
      if (typeof s === 'number') clock.advance(s)
      else if (s === 'finish') logs.finish(podDir, 'web')
      else writeSync(app.stdout, s)
    }
    expect(stored().map((l) => parseCriLine(l)?.tag)).toEqual(tags)
    expect(await collect(readLogs(podDir, 'web'))).toEqual(lines)
  })

  it('rotates the log by size and keeps maxFiles files', async () => {
    // Each record is 48 bytes ("<30-char time> stdout F " + "line-NN\n"); 2 fit in 100.
    const { clock, logs } = collector({ maxBytes: 100, maxFiles: 3 })
    const app = instance(logs)
    for (let i = 0; i < 20; i++) writeSync(app.stdout, `line-${String(i).padStart(2, '0')}\n`)
    clock.advance(200)
    const files = readdirSync(logsDir(podDir))
      .filter((f) => f.startsWith('web.log'))
      .sort()
    expect(files).toEqual(['web.log', 'web.log.1', 'web.log.2'])
    expect(await collect(readLogs(podDir, 'web', { tail: 3 }))).toEqual(['line-17', 'line-18', 'line-19'])
  })

  it('--previous: a restart stores the rest of the old instance, then its log becomes the previous one', async () => {
    const { clock, logs } = collector()
    const first = instance(logs)
    writeSync(first.stdout, 'first-1\n')
    clock.advance(200)
    writeSync(first.stdout, 'first-2\n') // not collected yet when the instance is replaced
    first.release()
    const second = instance(logs, true)
    writeSync(second.stdout, 'second-1\n')
    clock.advance(200)
    expect(await collect(readLogs(podDir, 'web'))).toEqual(['second-1'])
    expect(await collect(readLogs(podDir, 'web', { previous: true }))).toEqual(['first-1', 'first-2'])
  })

  it('a new collector continues from the saved offsets, reading an unfinished line again', async () => {
    const first = collector()
    const app = instance(first.logs)
    writeSync(app.stdout, 'one\nhal')
    first.clock.advance(200)
    // What a SIGKILLed agent leaves behind: the saved offsets; the unfinished "hal" was only in memory.
    expect(readOffsets(offsetsFile(podDir, 'web'))).toMatchObject({ stdout: 4, stderr: 0 })
    first.logs.detach(podDir, 'web')
    writeSync(app.stdout, 'f\ntwo\n')
    const next = collector()
    expect(next.logs.resume(podDir, 'web')).toBe(true)
    next.clock.advance(200)
    expect(await collect(readLogs(podDir, 'web'))).toEqual(['one', 'half', 'two'])
  })

  it('a collector killed after storing records but before saving the offsets: the next one stores each line once', async () => {
    const first = collector()
    const app = instance(first.logs)
    writeSync(app.stdout, 'one\ntwo\n')
    first.clock.advance(200)
    const savedBeforeKill = readFileSync(offsetsFile(podDir, 'web'))
    writeSync(app.stdout, 'three\nfour\n')
    first.clock.advance(200)
    expect(stored()).toHaveLength(4)
    // The SIGKILL came between the two writes: the records of "three" and "four" are in the
    // log, the offsets still say they were not read.
    first.logs.detach(podDir, 'web')
    writeFileSync(offsetsFile(podDir, 'web'), savedBeforeKill)
    writeSync(app.stdout, 'five\n')
    const next = collector()
    expect(next.logs.resume(podDir, 'web')).toBe(true)
    next.clock.advance(200)
    expect(await collect(readLogs(podDir, 'web'))).toEqual(['one', 'two', 'three', 'four', 'five'])
  })

  it('offsets saved by an older collector (no log position) are still read; nothing is cut', async () => {
    const first = collector()
    const app = instance(first.logs)
    writeSync(app.stdout, 'one\n')
    first.clock.advance(200)
    first.logs.detach(podDir, 'web')
    writeFileSync(offsetsFile(podDir, 'web'), `${'4'.padStart(20)} ${'0'.padStart(20)}\n`)
    writeSync(app.stdout, 'two\n')
    const next = collector()
    expect(next.logs.resume(podDir, 'web')).toBe(true)
    next.clock.advance(200)
    expect(await collect(readLogs(podDir, 'web'))).toEqual(['one', 'two'])
  })

  it('has nothing to resume for a container without raw files', () => {
    expect(collector().logs.resume(podDir, 'web')).toBe(false)
  })

  it('truncate mode: empties a raw file once collected past the threshold, and keeps every line', async () => {
    const { clock, logs } = collector({ reclaim: 'truncate', reclaimBytes: 1024 })
    const app = instance(logs)
    const want: string[] = []
    for (let burst = 0; burst < 5; burst++) {
      // 200 lines of 10 bytes: past the 1 KiB threshold every burst.
      const lines = Array.from({ length: 200 }, (_, i) => `line-${String(burst * 200 + i).padStart(4, '0')}`)
      writeSync(app.stdout, lines.map((l) => `${l}\n`).join(''))
      want.push(...lines)
      clock.advance(200)
      expect(statSync(rawLogFile(podDir, 'web', 'stdout')).size).toBe(0)
      expect(readOffsets(offsetsFile(podDir, 'web')).stdout).toBe(0)
    }
    expect(await collect(readLogs(podDir, 'web'))).toEqual(want)
  })

  it('punch mode: frees collected raw bytes while the app writes on, losing none', async () => {
    const logs = new LogCollector({
      clock: systemClock,
      periodMs: 10,
      reclaimBytes: 64 * 1024,
      maxBytes: 64 * 1024 * 1024,
    })
    cleanups.push(() => logs.stop())
    const out = logs.startInstance(podDir, 'web', { previous: false })
    // 60 000 numbered lines of 7 bytes (420 kB) in 60 bursts, 2 ms apart: writes race the punches.
    const script = `const fs = require('node:fs'); let i = 0
      const burst = () => { for (let k = 0; k < 1000; k++) fs.writeSync(1, String(i++).padStart(6, '0') + '\\n')
        if (i < 60000) setTimeout(burst, 2) }
      burst()`
    const app = spawn(process.execPath, ['-e', script], { stdio: ['ignore', out.stdout, out.stderr] })
    const exited = new Promise((resolve) => app.once('exit', resolve))
    out.release()
    await exited
    // The collector catches up on its own period; on a busy machine that can be after the app
    // ended, so wait for it (bounded) before looking at what it freed.
    const rawFile = rawLogFile(podDir, 'web', 'stdout')
    await vi.waitFor(() => expect(statSync(rawFile).blocks * 512).toBeLessThan(420_000 / 2), {
      timeout: 10_000,
      interval: 20,
    })
    const raw = statSync(rawFile)
    logs.finish(podDir, 'web')
    const got = await collect(readLogs(podDir, 'web'))
    expect(got.length).toBe(60_000)
    expect(got.every((l, i) => l === String(i).padStart(6, '0'))).toBe(true)
    // Nothing was truncated (every offset stayed valid) and most of the file is a hole.
    expect(raw.size).toBe(420_000)
    expect(raw.blocks * 512).toBeLessThan(raw.size / 2)
  })
})

describe('surviving the agent', () => {
  // Prints "tick 0".."tick N-1" every 10 ms on stdout (every 5th also on stderr), then "done" without a newline.
  const TICKER = `let i = 0; const t = setInterval(() => { console.log('tick ' + i); if (i % 5 === 0) console.error('err ' + i);
    if (++i === Number(process.argv[1])) { clearInterval(t); process.stdout.write('done') } }, 10)`

  it('the app keeps writing while no agent runs; the next agent collects every line once, from the saved offsets', async () => {
    const daemon = path.join(podDir, 'fake-daemon.mjs')
    const collectorModule = fileURLToPath(new URL('./log-collector.ts', import.meta.url))
    const clockModule = fileURLToPath(new URL('../platform/clock.ts', import.meta.url))
    writeFileSync(
      daemon,
      `import { spawn } from 'node:child_process'
import { LogCollector } from ${JSON.stringify(collectorModule)}
import { systemClock } from ${JSON.stringify(clockModule)}
const logs = new LogCollector({ clock: systemClock, periodMs: 20 })
const out = logs.startInstance(process.argv[2], 'app', { previous: false })
const app = spawn(process.execPath, ['-e', process.argv[3], '60'], { stdio: ['ignore', out.stdout, out.stderr], detached: true })
app.unref()
out.release()
console.log(JSON.stringify({ app: app.pid }))
`,
    )
    const agent = spawn(process.execPath, [daemon, podDir, TICKER], { stdio: ['ignore', 'pipe', 'inherit'] })
    cleanups.push(() => agent.kill('SIGKILL'))
    const { app: appPid } = await new Promise<{ app: number }>((resolve) =>
      agent.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()))),
    )
    cleanups.push(() => isRunning(appPid) && process.kill(appPid, 'SIGKILL'))
    const logFile = path.join(logsDir(podDir), 'app.log')
    await expect
      .poll(
        () =>
          statSync(logFile, { throwIfNoEntry: false })?.size !== undefined &&
          readFileSync(logFile, 'utf8').includes('tick 3'),
        { timeout: 10_000, interval: 20 },
      )
      .toBe(true)
    agent.kill('SIGKILL')
    await new Promise((r) => agent.once('exit', r))
    const collectedBefore = readFileSync(logFile, 'utf8')
    // No agent: the app neither blocks nor dies; it finishes on its own.
    await expect.poll(() => !isRunning(appPid), { timeout: 10_000, interval: 20 }).toBe(true)
    expect(readFileSync(logFile, 'utf8')).toBe(collectedBefore)

    const logs = new LogCollector({ clock: systemClock, periodMs: 20 })
    cleanups.push(() => logs.stop())
    expect(logs.resume(podDir, 'app')).toBe(true)
    logs.finish(podDir, 'app')
    const got = await collect(readLogs(podDir, 'app'))
    expect(got.filter((l) => l.startsWith('tick '))).toEqual(Array.from({ length: 60 }, (_, i) => `tick ${i}`))
    expect(got.filter((l) => l.startsWith('err '))).toEqual(Array.from({ length: 12 }, (_, i) => `err ${i * 5}`))
    expect(got.at(-1)).toBe('done')
  })

  it("readLogs --follow sees a live app's lines as they are collected, with increasing timestamps", async () => {
    const logs = new LogCollector({ clock: systemClock, periodMs: 20 })
    cleanups.push(() => logs.stop())
    const out = logs.startInstance(podDir, 'app', { previous: false })
    const app = spawn(process.execPath, ['-e', TICKER, '20'], { stdio: ['ignore', out.stdout, out.stderr] })
    const exited = new Promise((resolve) => app.once('exit', resolve))
    out.release()
    const abort = new AbortController()
    const giveUp = setTimeout(() => abort.abort(), 10_000)
    cleanups.push(() => clearTimeout(giveUp))
    const seen: string[] = []
    for await (const l of readLogs(podDir, 'app', { follow: true, timestamps: true, signal: abort.signal })) {
      seen.push(l)
      if (l.endsWith(' tick 19')) abort.abort()
    }
    await exited
    const ticks = seen.filter((l) => l.includes(' tick '))
    expect(ticks.map((l) => l.split(' ').slice(1).join(' '))).toEqual(Array.from({ length: 20 }, (_, i) => `tick ${i}`))
    const times = ticks.map((l) => Date.parse(l.split(' ')[0] ?? ''))
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true)
    // 20 ticks 10 ms apart span about 190 ms; collected every 20 ms, the stamps spread too.
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThan(80)
  })
})
