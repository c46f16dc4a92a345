/**
 * A data directory whose state.db was lost (emptied, or removed with its WAL) while a replica
 * runs: the daemon refuses to start with BATON_STORE_MISSING and leaves the replica running;
 * only `--reset` starts over (docs/reliability.md, "A missing or empty state file").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { freePort } from '../e2e/support/ports.ts'
import { replicaProcesses } from '../e2e/support/processes.ts'
import { alive, cli, deployWeb, killStarted, removeDataDir, runDaemon, waitServing } from './support/daemon.ts'

const dirs: string[] = []
afterEach(async () => {
  await killStarted()
  for (const d of dirs.splice(0)) removeDataDir(d)
})

it.each([
  { name: 'emptied', lose: (db: string) => writeFileSync(db, '') },
  { name: 'removed', lose: (db: string) => rmSync(db) },
])(
  'state.db $name beside a running replica: the daemon refuses and the replica keeps running',
  { timeout: 240_000 },
  async ({ lose }) => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-empty-'))
    dirs.push(dir)
    const [port, servicePort] = [await freePort(), await freePort()]
    const first = runDaemon(dir, port)
    await waitServing(dir, port, first)
    await deployWeb(dir, servicePort)
    const [replica] = replicaProcesses(dir)
    expect(replica).toBeDefined()
    first.child.kill('SIGKILL')
    await first.exited
    for (const f of ['state.db-wal', 'state.db-shm']) rmSync(join(dir, f), { force: true })
    lose(join(dir, 'state.db'))

    const refused = runDaemon(dir, port)
    expect(await refused.exited).toBe(1)
    expect(refused.output()).toMatch(
      /BATON_STORE_MISSING: the state file .*state\.db is missing or empty, but the data directory holds pods .*pushed artifacts/,
    )
    expect(refused.output()).toMatch(/hint: .*baton restore FILE.*baton up --reset/)
    expect(alive(replica!.pid)).toBe(true)
    expect((await fetch(`http://127.0.0.1:${servicePort}/`)).status).toBe(200)

    // Starting over is an explicit decision: the replica nobody knows any more is stopped.
    const reset = runDaemon(dir, port, ['--reset'])
    await waitServing(dir, port, reset)
    await expect.poll(() => alive(replica!.pid), { timeout: 60_000, interval: 200 }).toBe(false)
    reset.child.kill('SIGTERM')
    expect(await reset.exited).toBe(0)
  },
)

it('the way back: a backup of the running daemon, restored into the lost store, re-adopts the replica', {
  timeout: 240_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-restore-'))
  dirs.push(dir)
  const backupFile = join(dir, 'backup.db')
  const [port, servicePort] = [await freePort(), await freePort()]
  const first = runDaemon(dir, port)
  await waitServing(dir, port, first)
  await deployWeb(dir, servicePort)
  const [replica] = replicaProcesses(dir)
  expect((await cli(dir, ['backup', backupFile])).out).toMatch(/backed up \d+ objects .* from the running daemon/)

  // Restore refuses while a daemon holds the directory.
  const refused = await cli(dir, ['restore', backupFile], { ok: false })
  expect(refused.code).toBe(1)
  expect(refused.out).toContain(
    `cannot restore: the data directory ${dir} is locked by another Baton process (pid ${first.pid})`,
  )

  first.child.kill('SIGKILL')
  await first.exited
  for (const f of ['state.db-wal', 'state.db-shm']) rmSync(join(dir, f), { force: true })
  writeFileSync(join(dir, 'state.db'), '')
  expect((await cli(dir, ['restore', backupFile])).out).toMatch(
    /restored \d+ objects .*previous state file is kept as .*state\.db\.before-restore-\d+/,
  )
  // With no daemon running, a backup is taken offline.
  expect((await cli(dir, ['backup', join(dir, 'offline.db')])).out).toMatch(
    /backed up [1-9]\d* objects .*no daemon running/,
  )

  const again = runDaemon(dir, port)
  await waitServing(dir, port, again)
  await cli(dir, ['rollout', 'status', 'deployment/web', '--timeout', '60s'], { timeoutMs: 70_000 })
  // The same process serves: adopted, not restarted.
  expect(replicaProcesses(dir).map((r) => r.pid)).toEqual([replica!.pid])
  expect((await fetch(`http://127.0.0.1:${servicePort}/`)).status).toBe(200)
  again.child.kill('SIGTERM')
  expect(await again.exited).toBe(0)
})
