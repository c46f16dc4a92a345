import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContainerLogWriter, MAX_LINE_BYTES } from './container-log-writer.ts'
import { parseCriLine, rfc3339Nano } from './cri-format.ts'
import { logsDir, rotatePrevious } from './log-files.ts'
import { readLogs } from './read-logs.ts'

const T0 = Date.parse('2026-11-21T20:57:00.000Z')
let podDir: string
let tick: number
const now = () => T0 + tick++

beforeEach(() => {
  podDir = mkdtempSync(path.join(tmpdir(), 'baton-logs-'))
  tick = 0
})
afterEach(() => rmSync(podDir, { recursive: true, force: true }))

function writer(opts: { maxBytes?: number; maxFiles?: number } = {}) {
  return new ContainerLogWriter({ dir: logsDir(podDir), container: 'web', now, ...opts })
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const l of it) out.push(l)
  return out
}

describe('cri format', () => {
  it('formats nanosecond timestamps', () => {
    expect(rfc3339Nano(T0 + 123.456)).toBe('2026-11-21T20:57:00.123456000Z')
    expect(rfc3339Nano(T0)).toBe('2026-11-21T20:57:00.000000000Z')
  })

  it.each([
    {
      line: '2026-11-21T20:57:00.1Z stdout F hello world',
      want: { stream: 'stdout', tag: 'F', message: 'hello world' },
    },
    { line: '2026-11-21T20:57:00.1Z stderr P part', want: { stream: 'stderr', tag: 'P', message: 'part' } },
    { line: '2026-11-21T20:57:00.1Z stdout F ', want: { stream: 'stdout', tag: 'F', message: '' } },
    { line: '2026-11-21T20:57:00.1Z stdout old format', want: { stream: 'stdout', tag: 'F', message: 'old format' } },
    { line: 'garbage', want: undefined },
    { line: '2026-11-21T20:57:00.1Z stdin F x', want: undefined },
  ])('parses "$line"', ({ line, want }) => {
    const r = parseCriLine(line)
    expect(r && { stream: r.stream, tag: r.tag, message: r.message }).toEqual(want)
  })
})

describe('ContainerLogWriter', () => {
  it('stores complete lines with time and stream, joining lines split across chunks', async () => {
    const w = writer()
    w.write('stdout', 'hel')
    w.write('stderr', 'oops\n')
    w.write('stdout', 'lo\nwor')
    w.close()
    expect(readFileSync(path.join(logsDir(podDir), 'web.log'), 'utf8')).toBe(
      [
        '2026-11-21T20:57:00.000000000Z stderr F oops',
        '2026-11-21T20:57:00.001000000Z stdout F hello',
        '2026-11-21T20:57:00.002000000Z stdout F wor',
        '',
      ].join('\n'),
    )
  })

  it('stores an over-long or flushed unfinished line as P fragments that read back as one line', async () => {
    const w = writer()
    const long = 'x'.repeat(MAX_LINE_BYTES * 2 + 5)
    w.write('stdout', `${long}\n`)
    w.write('stdout', 'prompt> ')
    w.flushPartial('stdout')
    w.write('stdout', 'answer\n')
    w.close()
    const tags = readFileSync(path.join(logsDir(podDir), 'web.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => parseCriLine(l)?.tag)
    expect(tags).toEqual(['P', 'P', 'F', 'P', 'F'])
    expect(await collect(readLogs(podDir, 'web'))).toEqual([long, 'prompt> answer'])
  })

  it('rotates by size, keeps maxFiles files, and never splits a record', async () => {
    // Each record is 48 bytes: "<30-char time> stdout F " (40) + "line-NN\n" (8); 2 fit in 100.
    const w = writer({ maxBytes: 100, maxFiles: 3 })
    for (let i = 0; i < 20; i++) w.write('stdout', `line-${String(i).padStart(2, '0')}\n`)
    w.close()
    const files = readdirSync(logsDir(podDir)).sort()
    expect(files).toEqual(['web.log', 'web.log.1', 'web.log.2'])
    for (const f of files) expect(readFileSync(path.join(logsDir(podDir), f)).length).toBeLessThanOrEqual(100)
    // 2 records per file: the 6 newest survive.
    expect(await collect(readLogs(podDir, 'web'))).toEqual([
      'line-14',
      'line-15',
      'line-16',
      'line-17',
      'line-18',
      'line-19',
    ])
    expect(await collect(readLogs(podDir, 'web', { tail: 3 }))).toEqual(['line-17', 'line-18', 'line-19'])
  })
})

describe('readLogs', () => {
  it.each([
    { name: 'all lines', opts: {}, want: ['a', 'b', 'c'] },
    { name: '--tail 2', opts: { tail: 2 }, want: ['b', 'c'] },
    { name: '--tail 0', opts: { tail: 0 }, want: [] },
    { name: '--tail beyond the start', opts: { tail: 10 }, want: ['a', 'b', 'c'] },
    {
      name: '--timestamps',
      opts: { timestamps: true, tail: 1 },
      want: ['2026-11-21T20:57:00.002000000Z c'],
    },
  ])('$name', async ({ opts, want }) => {
    const w = writer()
    w.write('stdout', 'a\nb\n')
    w.write('stderr', 'c\n')
    w.close()
    expect(await collect(readLogs(podDir, 'web', opts))).toEqual(want)
  })

  it('reads nothing for a container that never logged', async () => {
    expect(await collect(readLogs(podDir, 'web'))).toEqual([])
  })

  it('--previous shows the instance before the last restart', async () => {
    const first = writer({ maxBytes: 60 })
    first.write('stdout', 'first-1\nfirst-2\n')
    first.close()
    rotatePrevious(podDir, 'web')
    const second = writer()
    second.write('stdout', 'second-1\n')
    second.close()
    expect(await collect(readLogs(podDir, 'web'))).toEqual(['second-1'])
    expect(await collect(readLogs(podDir, 'web', { previous: true }))).toEqual(['first-1', 'first-2'])
    rotatePrevious(podDir, 'web')
    expect(await collect(readLogs(podDir, 'web', { previous: true }))).toEqual(['second-1'])
    expect(readdirSync(logsDir(podDir))).toEqual(['web.previous.log'])
  })

  it('--follow prints new lines across a rotation until aborted', async () => {
    const w = writer({ maxBytes: 120, maxFiles: 2 })
    w.write('stdout', 'before\n')
    const abort = new AbortController()
    const seen: string[] = []
    const done = (async () => {
      for await (const l of readLogs(podDir, 'web', { follow: true, signal: abort.signal })) {
        seen.push(l)
        if (l === 'after-4') abort.abort()
      }
    })()
    await expect.poll(() => seen.length === 1, { timeout: 5_000, interval: 10 }).toBe(true)
    for (let i = 0; i < 5; i++) w.write('stdout', `after-${i}\n`) // 120 bytes hold 2 records of 48: this rotates twice between two polls
    await done
    w.close()
    expect(readdirSync(logsDir(podDir)).sort()).toEqual(['web.log', 'web.log.1'])
    expect(seen).toEqual(['before', 'after-0', 'after-1', 'after-2', 'after-3', 'after-4'])
  })
})
