/**
 * Issue 11, item 1: the load balancer's main process SIGKILLed, or SIGSTOPped for 5 s, while
 * ~300 requests/s go through it, with keep-alive on and off. Counted: requests in flight at
 * the moment of the fault that failed (the only ones a dead process may take with it), and
 * every other failure, which must be zero (as root: the proxy turns net.ipv4.tcp_migrate_req on
 * at start, checked here from 0, so closing the old workers' listeners resets nothing). Then: the daemon replaced the process, says so in
 * an Event and in `baton get componentstatuses`, and no process of the old one is left.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { preciseClock } from '../../src/platform/clock.ts'
import { isRunning as alive } from '../../src/platform/proc-stat.ts'
import { workersOf } from '../../src/proxy/proxy-files.ts'
import { TCP_MIGRATE_REQ } from '../../src/proxy/request-migration.ts'
import { runLoad } from '../../src/verify/load-run.ts'
import { summarize, type VerifyReport } from '../../src/verify/report.ts'
import type { RequestRecord } from '../../src/verify/request-record.ts'
import { expectOk, startBaton, type Baton } from '../e2e/support/baton.ts'
import { webManifest } from '../e2e/support/manifests.ts'

const RATE = 300
const LOAD_MS = 10_000
const FAULT_AT_MS = 2_500
const STOP_MS = 5_000

let baton: Baton
const asRoot = process.getuid?.() === 0
let migrateReqBefore: string | undefined

beforeAll(async () => {
  if (asRoot) {
    migrateReqBefore = readFileSync(TCP_MIGRATE_REQ, 'utf8')
    writeFileSync(TCP_MIGRATE_REQ, '0')
  }
  baton = await startBaton()
  await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: 2 }))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout=90s']))
  if (asRoot) expect(readFileSync(TCP_MIGRATE_REQ, 'utf8').trim()).toBe('1')
}, 180_000)

afterAll(async () => {
  await baton?.stop()
  if (migrateReqBefore !== undefined) writeFileSync(TCP_MIGRATE_REQ, migrateReqBefore)
}, 60_000)

async function loadBalancerHealthy(): Promise<boolean> {
  const r = await baton.cli(['get', 'componentstatuses', '-o', 'json'])
  if (r.code !== 0) return false
  const list = JSON.parse(r.stdout) as {
    items: Array<{ metadata: { name: string }; conditions: Array<{ type: string; status: string }> }>
  }
  return list.items.some(
    (cs) =>
      cs.metadata.name === 'load-balancer' && cs.conditions.some((c) => c.type === 'Healthy' && c.status === 'True'),
  )
}

interface Fault {
  name: string
  inject(pid: number): void | Promise<void>
  /** The daemon must replace the process (a kill); a short stop may end before it gives up on it. */
  mustReplace: boolean
}

const faults: Fault[] = [
  { name: 'SIGKILL', inject: (pid) => void process.kill(pid, 'SIGKILL'), mustReplace: true },
  {
    name: `SIGSTOP ${STOP_MS / 1000} s`,
    mustReplace: false,
    async inject(pid) {
      process.kill(pid, 'SIGSTOP')
      await new Promise((r) => setTimeout(r, STOP_MS))
      // The daemon may have ended it meanwhile (it stopped answering its health checks).
      if (alive(pid)) process.kill(pid, 'SIGCONT')
    },
  },
]

/** Failed requests that were in flight when the fault struck, and all the others. */
function split(records: readonly RequestRecord[], faultAt: number): { inFlight: number; others: number } {
  let inFlight = 0
  let others = 0
  for (const r of records) {
    if (r.kind === 'ok') continue
    if (r.start <= faultAt && r.start + r.latencyMs >= faultAt) inFlight++
    else others++
  }
  return { inFlight, others }
}

function describeRun(name: string, r: VerifyReport, s: { inFlight: number; others: number }): string {
  const kinds = Object.entries(r.byKind)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ')
  return (
    `[reliability] ${name}: ${r.total} requests in ${(r.durationMs / 1000).toFixed(1)} s, ${r.failed} failed` +
    `${kinds ? ` (${kinds})` : ''}: ${s.inFlight} in flight at the fault, ${s.others} others; p99 ${r.latencyMs?.p99 ?? '-'} ms, max ${r.latencyMs?.max ?? '-'} ms`
  )
}

describe('load balancer main process killed or stopped under load', () => {
  const cases = faults.flatMap((fault) => [true, false].map((keepAlive) => ({ fault, keepAlive })))
  for (const { fault, keepAlive } of cases) {
    it(`${fault.name}, keep-alive ${keepAlive ? 'on' : 'off'}: no request fails but those in flight on the process`, async () => {
      const oldPid = await baton.proxyPid()
      const oldWorkers = workersOf(oldPid)
      const run = runLoad({
        url: baton.url('/'),
        rate: RATE,
        keepAlive,
        concurrency: 32,
        durationMs: LOAD_MS,
        timeoutMs: 2_000,
      })
      await new Promise((r) => setTimeout(r, FAULT_AT_MS))
      const faultAt = preciseClock.now()
      await fault.inject(oldPid)
      const result = await run.done
      const report = summarize(result)
      const counts = split(result.records, faultAt)
      console.log(describeRun(`${fault.name}, keep-alive ${keepAlive ? 'on' : 'off'}`, report, counts))

      expect(report.total).toBeGreaterThan(RATE * (LOAD_MS / 1000) * 0.8)
      expect(counts.others).toBe(0)
      if (fault.mustReplace)
        await expect.poll(() => baton.proxyPid(), { timeout: 30_000, interval: 200 }).not.toBe(oldPid)
      await expect.poll(loadBalancerHealthy, { timeout: 30_000, interval: 500 }).toBe(true)
      expect(workersOf(await baton.proxyPid()).length).toBeGreaterThan(0)
      if ((await baton.proxyPid()) === oldPid) {
        console.log('[reliability]   not replaced: it answered again before it failed 3 health checks')
        return
      }
      // Replaced: the old process and its workers are gone, and an Event says why.
      await expect.poll(() => alive(oldPid) || oldWorkers.some(alive), { timeout: 40_000, interval: 200 }).toBe(false)
      const events = await baton.cli(['get', 'events', '-o', 'json'])
      const restarts = (
        JSON.parse(events.stdout) as { items: Array<{ reason: string; message: string }> }
      ).items.filter((e) => e.reason === 'DataPlaneRestarted' && e.message.includes(`pid ${oldPid} `))
      expect(restarts).toHaveLength(1)
      console.log(`[reliability]   ${restarts[0]!.message}`)
    }, 120_000)
  }
})
