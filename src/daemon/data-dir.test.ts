import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { secureDataDir, setStateAside, traceOfEarlierUse } from './data-dir.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-datadir-'))
  dirs.push(d)
  return d
}
const mode = (p: string) => statSync(p).mode & 0o7777

it('closes the data directory and what it holds to everyone but its owner', () => {
  const dir = join(newDir(), 'data')
  mkdirSync(join(dir, 'artifacts'), { recursive: true, mode: 0o755 })
  chmodSync(dir, 0o755)
  chmodSync(join(dir, 'artifacts'), 0o755)
  for (const f of ['state.db', 'state.db-wal', 'token', 'daemon.log']) {
    writeFileSync(join(dir, f), 'x')
    chmodSync(join(dir, f), 0o644)
  }
  writeFileSync(join(dir, 'state.db.reserve'), '')
  chmodSync(join(dir, 'state.db.reserve'), 0o755)
  writeFileSync(join(dir, 'notes.txt'), 'the user put this here')
  chmodSync(join(dir, 'notes.txt'), 0o644)
  secureDataDir(dir)
  expect(mode(dir)).toBe(0o700)
  expect(mode(join(dir, 'artifacts'))).toBe(0o700)
  for (const f of ['state.db', 'state.db-wal', 'token', 'daemon.log']) expect(mode(join(dir, f)), f).toBe(0o600)
  // The owner's bits stay as they were: an executable stays executable.
  expect(mode(join(dir, 'state.db.reserve'))).toBe(0o700)
  // What is not Baton's is not Baton's to change (the directory itself is closed already).
  expect(mode(join(dir, 'notes.txt'))).toBe(0o644)
})

it('creates a missing data directory as 0700', () => {
  const dir = join(newDir(), 'a', 'b')
  secureDataDir(dir)
  expect(mode(dir)).toBe(0o700)
})

it.each([
  { name: 'a new directory', make: () => {}, traces: [] as string[] },
  { name: 'an empty pods directory', make: (d: string) => mkdirSync(join(d, 'pods')), traces: [] as string[] },
  { name: 'a pod', make: (d: string) => mkdirSync(join(d, 'pods', 'uid-1'), { recursive: true }), traces: ['pods'] },
  {
    name: 'an artifact',
    make: (d: string) => mkdirSync(join(d, 'artifacts', 'blobs'), { recursive: true }),
    traces: ['pushed artifacts'],
  },
  {
    name: 'a load balancer',
    make: (d: string) => writeFileSync(join(d, 'proxy.json'), '{}'),
    traces: ['a load balancer'],
  },
])('traces of earlier use: $name', ({ make, traces }) => {
  const dir = newDir()
  make(dir)
  expect(traceOfEarlierUse(dir).map((t) => t.replace(/ \(.*\)$/, ''))).toEqual(traces)
})

it('moves the state file and its WAL aside for --reset', () => {
  const dir = newDir()
  writeFileSync(join(dir, 'state.db'), 'db')
  writeFileSync(join(dir, 'state.db-wal'), 'wal')
  expect(setStateAside(dir, 42)).toBe(join(dir, 'state.db.reset-42'))
  expect(statSync(join(dir, 'state.db.reset-42-wal')).size).toBe(3)
  expect(statSync(join(dir, 'state.db'), { throwIfNoEntry: false })).toBeUndefined()
  expect(setStateAside(dir, 43)).toBeUndefined()
})
