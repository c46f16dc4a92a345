/**
 * Group commit: writes are applied at once and committed in batches. Another connection on the
 * file reads only committed data, so it shows when each batch reached the file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { aConfigMap } from '../../../test/support/builders.ts'
import type { ObjectStore } from '../types.ts'
import { COMMIT_EVERY, openSqliteStore, type SqliteStoreOptions } from './sqlite-store.ts'

const dirs: string[] = []
const open: ObjectStore[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function setup(extra: Partial<SqliteStoreOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-batch-'))
  dirs.push(dir)
  const path = join(dir, 'state.db')
  const store = openSqliteStore(path, { clock: new FakeClock(), ids: sequentialIds(), ...extra })
  open.push(store)
  /** Names of the ConfigMaps committed to the file, read through a connection of its own. */
  const committed = () => {
    const reader = openSqliteStore(path, { clock: new FakeClock(), ids: sequentialIds() })
    try {
      return reader.list('ConfigMap').items.map((c) => c.metadata.name)
    } finally {
      reader.close()
    }
  }
  /** The data of the ConfigMaps committed to the file. */
  const committedData = () => {
    const reader = openSqliteStore(path, { clock: new FakeClock(), ids: sequentialIds() })
    try {
      return reader.list('ConfigMap').items.map((c) => c.data)
    } finally {
      reader.close()
    }
  }
  return { store, committed, committedData, path }
}

const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `cm-${String(from + i).padStart(5, '0')}`)

it('applies a write at once and commits it at the end of the task', async () => {
  const { store, committed } = setup()
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00000' }))
  expect(store.get('ConfigMap', 'default', 'cm-00000')).toBeDefined()
  expect(committed()).toEqual([])
  await Promise.resolve() // the commit was queued as a microtask when the batch opened
  expect(committed()).toEqual(['cm-00000'])
})

it('commits on flush, and on close', () => {
  const { store, committed } = setup({ scheduleCommit: () => {} })
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00000' }))
  store.flush()
  expect(committed()).toEqual(['cm-00000'])
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00001' }))
  store.close()
  expect(committed()).toEqual(['cm-00000', 'cm-00001'])
})

it(`commits every ${COMMIT_EVERY} transactions when no task end comes`, () => {
  const { store, committed } = setup({ scheduleCommit: () => {} })
  for (const name of names(COMMIT_EVERY + 3)) store.create<'ConfigMap'>(aConfigMap({ name: name }))
  expect(committed()).toEqual(names(COMMIT_EVERY))
})

it('a failed write inside a batch undoes only itself', () => {
  const { store, committed } = setup({ scheduleCommit: () => {} })
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00000' }))
  expect(() => store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00000' }))).toThrow() // already exists
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00001' }))
  store.flush()
  expect(committed()).toEqual(['cm-00000', 'cm-00001'])
})

it("a batch writes each object's newest version: repeated updates, and a create undone by a delete", () => {
  const { store, committed, committedData, path: storePath } = setup({ scheduleCommit: () => {} })
  const cm = store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00000' }))
  let latest = cm
  for (const v of ['1', '2', '3']) latest = store.update<'ConfigMap'>({ ...latest, data: { v } })
  store.create<'ConfigMap'>(aConfigMap({ name: 'cm-00001' }))
  store.delete('ConfigMap', 'default', 'cm-00001')
  store.flush()
  expect(committed()).toEqual(['cm-00000'])
  expect(committedData()).toEqual([{ v: '3' }])
  // The counter in the file covers the delete, the batch's last write (resourceVersion 6).
  const reader = openSqliteStore(storePath, { clock: new FakeClock(), ids: sequentialIds() })
  expect(reader.currentResourceVersion()).toBe('6')
  reader.close()
})
