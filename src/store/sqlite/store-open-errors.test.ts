/** What opening a bad state file says: damage is named as damage, with the way back. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { openSqliteStore } from './sqlite-store.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

it.each([
  { name: 'text', content: 'not a database\n'.repeat(300) },
  { name: 'a SQLite header over garbage', content: `SQLite format 3\u0000${'\u00ff'.repeat(5000)}` },
])('a state file of $name is BATON_STORE_CORRUPT, with restore and --reset as the fix', ({ content }) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-corrupt-unit-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'state.db'), content)
  let error: unknown
  try {
    openSqliteStore(join(dir, 'state.db'), { clock: new FakeClock(), ids: sequentialIds(), reserveBytes: 0 }).close()
  } catch (err) {
    error = err
  }
  expect(error).toMatchObject({
    code: 'BATON_STORE_CORRUPT',
    message: expect.stringContaining('is corrupt or not a Baton store'),
  })
  expect((error as { hint: string }).hint).toMatch(/baton restore FILE.*baton up --reset/)
})
