import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { backupStateFile, restoreStateFile } from './backup.ts'
import { openSqliteStore } from './sqlite-store.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baton-backup-'))
  dirs.push(d)
  return d
}
const open = (path: string) => openSqliteStore(path, { clock: new FakeClock(), ids: sequentialIds(), reserveBytes: 0 })
const configMap = (name: string) => ({
  apiVersion: 'v1' as const,
  kind: 'ConfigMap' as const,
  metadata: { name },
  data: {},
})

it('a backup taken while the store is open restores every committed object, and the old file is kept aside', async () => {
  const dir = newDir()
  const state = join(dir, 'state.db')
  const store = open(state)
  store.create(configMap('before'))
  store.flush()
  const file = join(dir, 'backup.db')
  expect(await backupStateFile(state, file)).toEqual({ objects: 1 })
  store.create(configMap('after'))
  store.close()

  expect(restoreStateFile(file, state, 7)).toEqual({ objects: 1, previous: `${state}.before-restore-7` })
  const restored = open(state)
  expect(restored.list('ConfigMap').items.map((c) => c.metadata.name)).toEqual(['before'])
  restored.close()
  const aside = open(`${state}.before-restore-7`)
  expect(aside.list('ConfigMap').items.map((c) => c.metadata.name)).toEqual(['after', 'before'])
  aside.close()
})

it.each([
  { name: 'garbage', content: 'not a database\n'.repeat(100) },
  { name: 'an empty file', content: '' },
])('restore refuses $name and leaves the state file alone', ({ content }) => {
  const dir = newDir()
  const state = join(dir, 'state.db')
  writeFileSync(state, 'the current state')
  writeFileSync(join(dir, 'bad.db'), content)
  expect(() => restoreStateFile(join(dir, 'bad.db'), state, 1)).toThrow(
    expect.objectContaining({ code: 'BATON_STORE_CORRUPT' }),
  )
  expect(readdirSync(dir).sort()).toEqual(['bad.db', 'state.db'])
})

it('backup of a missing state file is BATON_STORE_MISSING', async () => {
  const dir = newDir()
  await expect(backupStateFile(join(dir, 'state.db'), join(dir, 'b.db'))).rejects.toMatchObject({
    code: 'BATON_STORE_MISSING',
  })
})
