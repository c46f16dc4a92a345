/**
 * Durability of the SQLite store against the process dying: a writer child process commits in
 * a tight loop and is SIGKILLed at a random moment; every write it reported as committed must
 * be in the reopened file, whole. Also: reopening continues the resourceVersion counter, and
 * upgrades a file of an older schema.
 */
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { aConfigMap } from '../../../test/support/builders.ts'
import { thrownBatonError } from '../../../test/support/baton-error.ts'
import { MIGRATIONS } from './schema.ts'
import { openSqliteStore } from './sqlite-store.ts'
import { expectedAfter, stepAt } from './testdata/write-schedule.ts'

const WRITER = fileURLToPath(new URL('./testdata/write-loop.ts', import.meta.url))
const ROUNDS = 3

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-durability-'))
  dirs.push(dir)
  return join(dir, 'state.db')
}

const open = (path: string, historyLimit?: number) =>
  openSqliteStore(path, { clock: new FakeClock(), ids: sequentialIds(), ...(historyLimit ? { historyLimit } : {}) })

/** Runs the writer until it has reported `killAfter` commits, SIGKILLs it, returns every reported commit. */
function writeUntilKilled(path: string, killAfter: number): Promise<{ i: number; rv: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, path, '200000'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const commits: { i: number; rv: string }[] = []
    let partial = ''
    let stderr = ''
    let signalled = false
    const kill = () => {
      signalled = true
      child.kill('SIGKILL')
    }
    const deadline = setTimeout(kill, 15_000)
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()))
    child.stdout.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        const [i, rv] = line.split(' ')
        commits.push({ i: Number(i), rv: rv ?? '' })
      }
      if (commits.length >= killAfter && !signalled) kill()
    })
    child.on('close', (code, signal) => {
      clearTimeout(deadline)
      if (signal === 'SIGKILL' && signalled) resolve(commits)
      else reject(new Error(`writer ended with code ${code}, signal ${signal}: ${stderr}`))
    })
  })
}

describe('sqlite store durability', () => {
  it.each(Array.from({ length: ROUNDS }, (_, k) => ({ round: k + 1, killAfter: randomInt(1, 800) })))(
    'round $round: SIGKILL after $killAfter reported commits loses none of them',
    async ({ killAfter }) => {
      const path = tempDb()
      const commits = await writeUntilKilled(path, killAfter)
      expect(commits.length).toBeGreaterThanOrEqual(killAfter)
      expect(commits.map((c) => c.i)).toEqual(commits.map((_, n) => n))

      const raw = new DatabaseSync(path)
      expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
      raw.close()

      // The step after the last reported one may have committed without being reported.
      const inFlight = stepAt(commits.length)
      const before = expectedAfter(commits)
      const after = expectedAfter([...commits, { i: commits.length, rv: '' }])
      const store = open(path)
      const stored = new Map(
        store.list('ConfigMap', { namespace: 'durability' }).items.map((o) => [o.metadata.name, o] as const),
      )
      for (const [name, want] of before) {
        if (name === inFlight.name) continue
        expect(stored.get(name)?.data?.payload, name).toBe(want.payload)
        expect(stored.get(name)?.metadata.resourceVersion, name).toBe(want.rv)
      }
      const flight = stored.get(inFlight.name)?.data?.payload
      expect([before.get(inFlight.name)?.payload, after.get(inFlight.name)?.payload]).toContain(flight)
      for (const name of stored.keys()) expect(before.has(name) || after.has(name), name).toBe(true)

      const last = Number(commits.at(-1)?.rv)
      expect(Number(store.currentResourceVersion())).toBeGreaterThanOrEqual(last)
      const next = store.create<'ConfigMap'>(aConfigMap({ name: 'after-restart', namespace: 'durability' }))
      expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(last)
      store.close()
    },
  )

  it('continues resourceVersions above the highest stored, even with every object deleted', () => {
    const path = tempDb()
    const first = open(path, 2)
    for (const n of ['a', 'b', 'c']) first.create(aConfigMap({ name: n }))
    for (const n of ['a', 'b', 'c']) first.delete('ConfigMap', 'default', n)
    first.close()
    const reopened = open(path, 2)
    expect(reopened.currentResourceVersion()).toBe('6')
    expect(reopened.create(aConfigMap({ name: 'd' })).metadata.resourceVersion).toBe('7')
    reopened.close()
  })

  it('keeps objects across a reopen; the watch history starts again, as after an API server restart', () => {
    const path = tempDb()
    const first = open(path)
    first.create(aConfigMap({ name: 'a' }))
    first.create(aConfigMap({ name: 'b' }))
    first.close()
    const reopened = open(path)
    const list = reopened.list('ConfigMap')
    expect(list.items.map((o) => o.metadata.name)).toEqual(['a', 'b'])
    // The history is in memory: a version from before the restart is gone, and the client lists again.
    expect(thrownBatonError(() => reopened.watch('ConfigMap', { resourceVersion: '1' }, () => {}))).toMatchObject({
      code: 'BATON_GONE',
    })
    const seen: string[] = []
    reopened.watch(
      'ConfigMap',
      { resourceVersion: list.resourceVersion },
      (ev) => void seen.push(`${ev.type} ${ev.object.metadata.name}`),
    )
    reopened.create(aConfigMap({ name: 'c' }))
    expect(seen).toEqual(['ADDED c'])
    reopened.close()
  })

  it('upgrades a schema-1 file: objects kept, owners re-indexed, versions continue above its history', () => {
    const path = tempDb()
    const raw = new DatabaseSync(path)
    raw.exec(MIGRATIONS[0] ?? '')
    raw.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1)')
    const owner = {
      ...aConfigMap({ name: 'owner' }),
      metadata: { name: 'owner', namespace: 'default', uid: 'u-owner', resourceVersion: '3' },
    }
    const dependent = {
      ...aConfigMap({ name: 'dependent' }),
      metadata: {
        name: 'dependent',
        namespace: 'default',
        uid: 'u-dep',
        resourceVersion: '4',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-owner' }],
      },
    }
    const insert = raw.prepare(
      'INSERT INTO objects (kind, namespace, name, uid, resource_version, json) VALUES (?, ?, ?, ?, ?, ?)',
    )
    insert.run('ConfigMap', 'default', 'owner', 'u-owner', 3, JSON.stringify(owner))
    insert.run('ConfigMap', 'default', 'dependent', 'u-dep', 4, JSON.stringify(dependent))
    // Version 9 was a deletion: only the history remembers it.
    raw
      .prepare('INSERT INTO changes (resource_version, kind, namespace, name, type, json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(9, 'ConfigMap', 'default', 'gone', 'DELETED', '{}')
    raw.close()

    const store = open(path)
    expect(store.currentResourceVersion()).toBe('9')
    expect(store.list('ConfigMap').items.map((o) => o.metadata.name)).toEqual(['dependent', 'owner'])
    store.delete('ConfigMap', 'default', 'owner') // the cascade finds the dependent through the rebuilt index
    expect(store.get('ConfigMap', 'default', 'dependent')).toBeUndefined()
    store.close()
    const tables = new DatabaseSync(path)
    const names = tables
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name)
    tables.close()
    expect(names).toEqual(['meta', 'objects', 'schema_version'])
    const again = open(path)
    expect(again.currentResourceVersion()).toBe('11')
    again.close()
  })

  it('refuses a file written by a newer schema', () => {
    const path = tempDb()
    open(path).close()
    const raw = new DatabaseSync(path)
    raw.exec('UPDATE schema_version SET version = 99')
    raw.close()
    expect(thrownBatonError(() => open(path))).toMatchObject({
      code: 'BATON_STORE',
      message: expect.stringContaining('schema version 99'),
    })
  })
})
