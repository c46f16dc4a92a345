import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T0 } from '../../test/support/builders.ts'
import { versionPrefix, writeVolumeAtomically } from './atomic-volume-writer.ts'
import type { VolumeFile } from './volume-files.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-atomic-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const file = (path: string, content: string, mode = 0o644): VolumeFile => ({
  path,
  content: Buffer.from(content),
  mode,
})

/** What the app sees: each visible entry's files through the symlinks, with their modes. */
function seen(root: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(root).filter((n) => !n.startsWith('..'))) {
    const path = join(root, name)
    if (statSync(path).isDirectory()) Object.assign(out, seen(path, `${prefix}${name}/`))
    else out[`${prefix}${name}`] = `${readFileSync(path, 'utf8')} ${(statSync(path).mode & 0o777).toString(8)}`
  }
  return out
}

const versions = () => readdirSync(dir).filter((n) => n.startsWith('..') && n !== '..data')

describe('versionPrefix', () => {
  it("is the kubelet's ..2006_01_02_15_04_05. in UTC", () => {
    expect(versionPrefix(Date.parse('2026-12-04T09:30:07.123Z'))).toBe('..2026_12_04_09_30_07.')
  })
})

describe('writeVolumeAtomically', () => {
  const CASES: Array<{
    name: string
    before?: VolumeFile[]
    after: VolumeFile[]
    changed: boolean
    want: Record<string, string>
  }> = [
    {
      name: 'a first write makes every key a symlink through ..data',
      after: [file('a', 'one'), file('b', 'two', 0o600)],
      changed: true,
      want: { a: 'one 644', b: 'two 600' },
    },
    {
      name: 'the same files again change nothing',
      before: [file('a', 'one')],
      after: [file('a', 'one')],
      changed: false,
      want: { a: 'one 644' },
    },
    {
      name: 'a changed value switches to a new version',
      before: [file('a', 'one'), file('b', 'two')],
      after: [file('a', 'uno'), file('b', 'two')],
      changed: true,
      want: { a: 'uno 644', b: 'two 644' },
    },
    {
      name: 'a changed mode alone switches too',
      before: [file('a', 'one')],
      after: [file('a', 'one', 0o400)],
      changed: true,
      want: { a: 'one 400' },
    },
    {
      name: 'a removed key goes, a new one comes',
      before: [file('a', 'one'), file('b', 'two')],
      after: [file('b', 'two'), file('c', 'three')],
      changed: true,
      want: { b: 'two 644', c: 'three 644' },
    },
    {
      name: 'an item path in a subdirectory is reached through its top-level symlink',
      before: [file('conf/app.yaml', 'x: 1')],
      after: [file('conf/app.yaml', 'x: 2'), file('conf/extra/more', 'm')],
      changed: true,
      want: { 'conf/app.yaml': 'x: 2 644', 'conf/extra/more': 'm 644' },
    },
    {
      name: 'no files leave no visible entry',
      before: [file('a', 'one')],
      after: [],
      changed: true,
      want: {},
    },
  ]
  it.each(CASES)('$name', ({ before, after, changed, want }) => {
    if (before) writeVolumeAtomically(dir, before, T0)
    const was = before ? readlinkSync(join(dir, '..data')) : undefined
    expect(writeVolumeAtomically(dir, after, T0 + 1000)).toBe(changed)
    expect(seen(dir)).toEqual(want)
    // One version on disk, the one ..data names; each visible entry a symlink into ..data.
    const data = readlinkSync(join(dir, '..data'))
    expect(versions()).toEqual([data])
    expect(data.startsWith(versionPrefix(changed ? T0 + 1000 : T0))).toBe(true)
    if (!changed) expect(data).toBe(was)
    for (const name of Object.keys(want).map((p) => p.split('/')[0]!)) {
      expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true)
      expect(readlinkSync(join(dir, name))).toBe(join('..data', name))
    }
  })

  it('replaces the plain files of a directory written before ..data, and a version a crash left', () => {
    writeFileSync(join(dir, 'a'), 'old')
    mkdirSync(join(dir, '..2020_01_01_00_00_00.half'))
    expect(writeVolumeAtomically(dir, [file('a', 'new')], T0)).toBe(true)
    expect(seen(dir)).toEqual({ a: 'new 644' })
    expect(versions()).toEqual([readlinkSync(join(dir, '..data'))])
  })

  it('never lets a reader see a half-written file while versions are switched', async () => {
    // 64 KiB of one repeated digit per version: a reader of the visible file that caught it
    // truncated or being written would see a short file or mixed digits.
    const SIZE = 64 * 1024
    const VERSIONS = 40
    writeVolumeAtomically(dir, [file('value', '0'.repeat(SIZE))], T0)
    const reader = new Worker(
      `const { readFileSync } = require('node:fs')
       const { parentPort, workerData } = require('node:worker_threads')
       let reads = 0, torn = 0, stop = false
       parentPort.on('message', () => (stop = true))
       const loop = () => {
         for (let i = 0; i < 20; i++) {
           let text
           try { text = readFileSync(workerData.path, 'utf8') } catch { continue }
           reads++
           if (text.length !== workerData.size || text !== text[0].repeat(workerData.size)) torn++
         }
         if (stop) parentPort.postMessage({ reads, torn })
         else setImmediate(loop)
       }
       parentPort.postMessage('ready')
       loop()`,
      { eval: true, workerData: { path: join(dir, 'value'), size: SIZE } },
    )
    const result = new Promise<{ reads: number; torn: number }>((resolve) =>
      reader.on('message', (m) => m !== 'ready' && resolve(m)),
    )
    await new Promise((resolve) => reader.once('message', resolve))
    for (let v = 1; v <= VERSIONS; v++) {
      expect(writeVolumeAtomically(dir, [file('value', String(v % 10).repeat(SIZE))], T0 + v)).toBe(true)
      await new Promise((resolve) => setImmediate(resolve))
    }
    reader.postMessage('stop')
    const { reads, torn } = await result
    await reader.terminate()
    expect(reads).toBeGreaterThan(0)
    expect(torn).toBe(0)
    expect(readFileSync(join(dir, 'value'), 'utf8')).toBe(String(VERSIONS % 10).repeat(SIZE))
  })
})
