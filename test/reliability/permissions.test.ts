/**
 * The data directory and its files are the owner's alone (docs/reliability.md, "Who can read
 * the data directory"): a directory left open by an older Baton or a loose umask is closed at
 * start, and what the daemon creates is created closed.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { daemonApi } from '../e2e/support/baton.ts'
import { freePort } from '../e2e/support/ports.ts'
import { killStarted, removeDataDir, runDaemon, waitServing } from './support/daemon.ts'

const dirs: string[] = []
afterEach(async () => {
  await killStarted()
  for (const d of dirs.splice(0)) removeDataDir(d)
})

it('a daemon closes its data directory to other users and creates nothing they can read', {
  timeout: 120_000,
}, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'baton-perms-')), 'data')
  dirs.push(join(dir, '..'))
  mkdirSync(dir, { mode: 0o755 })
  chmodSync(dir, 0o755)
  // What an older Baton left: world-readable token and log.
  for (const f of ['token', 'daemon.log']) {
    writeFileSync(join(dir, f), f === 'token' ? 'old-token\n' : '')
    chmodSync(join(dir, f), 0o644)
  }
  const port = await freePort()
  const run = runDaemon(dir, port)
  await waitServing(dir, port, run)
  // A write, so that the WAL exists.
  const token = 'old-token'
  const res = await daemonApi(dir, port)('/api/v1/namespaces/default/configmaps', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }),
  })
  expect(res.status).toBe(201)
  expect(statSync(dir).mode & 0o777).toBe(0o700)
  const open = readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => (statSync(p).mode & 0o077) !== 0)
  expect(open).toEqual([])
  const names = readdirSync(dir)
  for (const f of ['state.db', 'state.db-wal', 'token', 'daemon.log', 'proxy.token', 'daemon.lock'])
    expect(names).toContain(f)
  run.child.kill('SIGTERM')
  expect(await run.exited).toBe(0)
})
