import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { systemClock } from '../platform/clock.ts'
import { isRunning as processAlive } from '../platform/proc-stat.ts'
import { workersOf } from './proxy-files.ts'
import { ProxySupervisor, type DataPlaneHealth, type RestartRecord } from './supervisor.ts'
import { cleanup, closeAll, freePort, request, route, startBackend } from './testing.ts'

/** Polls `cond` every 10 ms until true; fails after `ms`. */
const waitUntil = (cond: () => boolean, ms: number) =>
  vi.waitFor(() => expect(cond()).toBe(true), { timeout: ms, interval: 10 })

afterEach(closeAll)

/** Pids of live processes whose command line names `dir` (the proxy and its workers). */
function processesOf(dir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir) && processAlive(Number(entry)))
        pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

async function supervised(extra: Partial<Parameters<typeof ProxySupervisor.start>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-supervisor-'))
  const restarts: Array<RestartRecord & { atMs: number }> = []
  const health: Array<DataPlaneHealth & { atMs: number }> = []
  const sup = await ProxySupervisor.start({
    dataDir: dir,
    clock: systemClock,
    args: ['--workers', '2'],
    onRestart: (r) => restarts.push({ ...r, atMs: Date.now() }),
    onHealth: (h) => health.push({ ...h, atMs: Date.now() }),
    ...extra,
  })
  cleanup(async () => {
    await sup.stop({ shutdown: true }).catch(() => {})
    await waitUntil(() => processesOf(dir).length === 0, 5_000).catch(() => {
      for (const pid of processesOf(dir)) process.kill(pid, 'SIGKILL')
    })
    rmSync(dir, { recursive: true, force: true })
  })
  return { dir, sup, restarts, health }
}

describe('ProxySupervisor', { timeout: 60_000 }, () => {
  it('notices a SIGKILLed load balancer within 1 s and replaces it; its workers serve until then, then hand over and exit', async () => {
    const { sup, restarts, health } = await supervised()
    const a = await startBackend('a')
    const port = await freePort()
    await sup.setRoutes([route(port, [a.backend('a')])])
    const oldPid = (await sup.ping()).pid
    await waitUntil(() => workersOf(oldPid).length === 2, 15_000)
    const oldWorkers = workersOf(oldPid)

    const killedAt = Date.now()
    process.kill(oldPid, 'SIGKILL')
    // The orphaned workers still listen: no request is refused while the replacement starts.
    expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    await waitUntil(() => health.length > 0, 5_000)
    expect(health[0]).toMatchObject({ ready: false, reason: 'Exited' })
    expect(health[0]!.atMs - killedAt).toBeLessThan(1_000)
    // Starting Node and its workers is most of the rest: under a second on an idle machine,
    // several on a loaded one, while the old workers serve.
    await waitUntil(() => restarts.length === 1, 15_000)
    expect(restarts[0]!.reason).toBe('Exited')
    expect(restarts[0]!.oldPid).toBe(oldPid)
    expect(health.map((h) => h.ready)).toEqual([false, true])
    expect(sup.health()).toMatchObject({ ready: true, restarts: 1, pid: restarts[0]!.newPid })

    expect((await sup.ping()).pid).toBe(restarts[0]!.newPid)
    expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    // The old workers saw the replacement in proxy.json and left; no orphan stays behind.
    await waitUntil(() => oldWorkers.every((pid) => !processAlive(pid)), 15_000)
    expect(workersOf(restarts[0]!.newPid)).toHaveLength(2)
  })

  it('kills and replaces a load balancer that stops answering (SIGSTOP), traffic served throughout', async () => {
    const { sup, restarts } = await supervised({ pingEveryMs: 200, pingTimeoutMs: 300, failureThreshold: 3 })
    const a = await startBackend('a')
    const port = await freePort()
    await sup.setRoutes([route(port, [a.backend('a')])])
    const oldPid = (await sup.ping()).pid
    await waitUntil(() => workersOf(oldPid).length === 2, 15_000)
    const oldWorkers = workersOf(oldPid)

    process.kill(oldPid, 'SIGSTOP')
    cleanup(() => {
      if (processAlive(oldPid)) process.kill(oldPid, 'SIGKILL')
    })
    // The stopped process accepts nothing, and need not: its workers listen themselves.
    for (let i = 0; i < 5; i++) expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    await waitUntil(() => restarts.length === 1, 10_000)
    expect(restarts[0]).toMatchObject({ reason: 'Unresponsive', oldPid })
    expect(processAlive(oldPid)).toBe(false)
    expect((await request(`http://127.0.0.1:${port}`)).body).toBe('a')
    await waitUntil(() => oldWorkers.every((pid) => !processAlive(pid)), 15_000)
  })

  it('a drain wait cut by the load balancer dying is asked again of its replacement, and ends only once the old workers are gone', async () => {
    const { sup, restarts } = await supervised()
    const a = await startBackend('a')
    const port = await freePort()
    await sup.setRoutes([route(port, [a.backend('a')])])
    const oldPid = (await sup.ping()).pid
    await waitUntil(() => workersOf(oldPid).length === 2, 15_000)
    const oldWorkers = workersOf(oldPid)
    // Still routed: the wait runs until the pod leaves the table.
    const drained = sup.waitDrained('a', Date.now() + 30_000).then(() => Date.now())
    drained.catch(() => {})
    process.kill(oldPid, 'SIGKILL')
    await waitUntil(() => restarts.length === 1, 15_000)
    const emptied = Date.now()
    await sup.setRoutes([route(port, [])])
    expect(await drained).toBeGreaterThanOrEqual(emptied)
    expect((await drained) - emptied).toBeLessThan(5_000)
    // They served the old table, in which the pod is still routed: the drain waited for them.
    expect(oldWorkers.some((pid) => processAlive(pid))).toBe(false)
  })
})
