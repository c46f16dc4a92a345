/**
 * The API answers a write only once it is committed: the SQLite store batches commits
 * (store/sqlite/sqlite-store.ts), and an acknowledged write must survive a SIGKILL.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts'
import { createApiApp } from './app.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

it.each([
  {
    name: 'create',
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } },
  },
  { name: 'delete', method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/seed', body: undefined },
])('a $name is in the file when the API answers it', async ({ method, path, body }) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-api-commit-'))
  dirs.push(dir)
  const file = join(dir, 'state.db')
  // No commit at the end of the task: only the API's flush can have put the write in the file.
  const store = openSqliteStore(file, { clock: new FakeClock(), ids: sequentialIds(), scheduleCommit: () => {} })
  store.create<'ConfigMap'>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed' }, data: {} })
  store.flush()
  const app = createApiApp({ store, clock: new FakeClock(), token: 't', version: '0.0.0' })
  const res = await app.request(path, {
    method,
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  expect(res.status).toBeLessThan(300)
  const reader = openSqliteStore(file, { clock: new FakeClock(), ids: sequentialIds() })
  try {
    expect(reader.list('ConfigMap').items.map((c) => c.metadata.name)).toEqual(
      store.list('ConfigMap').items.map((c) => c.metadata.name),
    )
  } finally {
    reader.close()
    store.close()
  }
})
