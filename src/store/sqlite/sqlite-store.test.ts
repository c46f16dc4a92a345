import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { runStoreConformance } from '../store.case.test.ts'
import { openSqliteStore } from './sqlite-store.ts'

runStoreConformance('sqlite', (opts) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-store-'))
  const clock = opts?.clock ?? new FakeClock()
  const historyLimit = opts?.historyLimit
  const store = openSqliteStore(join(dir, 'state.db'), {
    clock,
    ids: sequentialIds(),
    ...(historyLimit ? { historyLimit } : {}),
  })
  return { store, clock, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
})
