/**
 * A garbage state.db: the daemon refuses to start with BATON_STORE_CORRUPT, says the file is
 * damaged and how to recover (restore a backup, or --reset), and `--reset` starts over with
 * the damaged file kept aside (docs/reliability.md, "A corrupt state file").
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { freePort } from '../e2e/support/ports.ts'
import { killStarted, removeDataDir, runDaemon, waitServing } from './support/daemon.ts'

const dirs: string[] = []
afterEach(async () => {
  await killStarted()
  for (const d of dirs.splice(0)) removeDataDir(d)
})

const GARBAGE = 'SQLite format 2, or rather: not a database at all\n'.repeat(100)

it('a daemon on a garbage state.db refuses, names the damage and the way back; --reset starts over', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-corrupt-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'state.db'), GARBAGE)
  const port = await freePort()

  const refused = runDaemon(dir, port)
  expect(await refused.exited).toBe(1)
  const out = refused.output()
  expect(out).toMatch(/BATON_STORE_CORRUPT: state file .*state\.db is corrupt or not a Baton store/)
  expect(out).toMatch(/hint: .*baton restore FILE.*baton up --reset/)
  expect(out).not.toMatch(/permissions|free space/)
  // Nothing was started and the file is as it was.
  expect(readFileSync(join(dir, 'state.db'), 'utf8')).toBe(GARBAGE)
  expect(readdirSync(dir)).not.toContain('proxy.json')

  const reset = runDaemon(dir, port, ['--reset'])
  await waitServing(dir, port, reset)
  const aside = readdirSync(dir).filter((f) => /^state\.db\.reset-\d+$/.test(f))
  expect(aside).toHaveLength(1)
  expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(GARBAGE)
  reset.child.kill('SIGTERM')
  expect(await reset.exited).toBe(0)
})
