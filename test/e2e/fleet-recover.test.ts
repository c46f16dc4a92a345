/**
 * Issue 18, a coordinator killed mid-window: two Baton hosts (127.0.0.2–.3, two replicas each)
 * behind the fleet's front load balancer, failurePolicy rollback, one target per window.
 * `baton fleet rollout` (web:v1 → web:v2) finishes window 1 (t1) and is SIGKILLed while window
 * 2's verify hook runs on t2, drained and already on v2. `fleet status` then says the rollout
 * was interrupted and where (window 2, t2 at verify, t2 drained). `baton fleet recover`, under
 * load through the front balancer, rolls window 2 back as a whole and, by the rollback policy,
 * window 1 too, and adds both back: 0 targets left drained, both on revision 1 (web:v1), 0
 * failed requests during and after the recovery. Killed again the same way, the next `baton fleet
 * rollout` recovers first, then rolls every window.
 *
 * Requests in flight to a target that dies: 20 slow requests (10 GETs, 10 POSTs, each held 8 s
 * by the app) are in flight through the front balancer, half of them to t2, when t2's daemon,
 * load balancer and replicas are SIGKILLed. The GETs are retried on t1 and all answer 200; the
 * POSTs on t2 cannot be retried (they may have been processed) and fail with 502, and the
 * front balancer counts exactly those against t2 (`errors` in `fleet status`), none against t1.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RecoveryReport } from '../../src/fleet/recover.ts'
import type { VerifyReport } from '../../src/verify/report.ts'
import { BATON_BIN, expectOk } from './support/baton.ts'
import { readProxyFiles } from '../../src/proxy/proxy-files.ts'
import { FleetHosts } from './support/fleet-hosts.ts'
import { alive, killAll, processesUnder } from './support/processes.ts'
import { describeRun, E2E_CONNECTIONS } from './support/verify-run.ts'

const RATE = 100
const HOSTS = ['127.0.0.2', '127.0.0.3']

const fleet = new FleetHosts(HOSTS)
/** Processes the test SIGKILLs itself (the coordinator, its hook): killed again in afterAll if still there. */
const spawned: number[] = []

const blockFile = () => join(fleet.dir, 'block-t2-verify')
const hookPidFile = () => join(fleet.dir, 'hook.pid')

async function writeFleet(image: string): Promise<void> {
  await fleet.write(image, {
    windowSize: 1,
    failurePolicy: { action: 'rollback' },
    // While the block file exists, t2's verify hook names its pid and waits: the window is held open.
    hooks: {
      verify: [
        `if [ -f '${blockFile()}' ] && [ "$BATON_TARGET" = t2 ]; then echo $$ > '${hookPidFile()}'; exec sleep 120; fi`,
      ],
    },
  })
}

const fleetArgs = fleet.args

interface Status {
  targets: Array<{ name: string; revision?: number; health: string; frontBalancer: string; errors: number }>
  rollout: {
    revision: number
    outcome: string
    windows: Array<{ index: number; outcome: string; steps?: Record<string, string> }>
  }
}

const fleetStatus = () => fleet.status<Status>()

const images = () => fleet.images()

/** `baton verify` through the front balancer, `--` the shell line when given. */
async function verifyThroughFront(duration: string, command?: string) {
  const r = await fleet.verify({ rate: RATE, connections: E2E_CONNECTIONS, duration, ...(command ? { command } : {}) })
  return { verify: JSON.parse(r.stdout) as VerifyReport, stderr: r.stderr, code: r.code }
}

/** `baton fleet rollout`, SIGKILLed (with its hook) once window 2's verify hook holds t2. */
async function rolloutKilledInWindow2(): Promise<void> {
  await rm(hookPidFile(), { force: true })
  await writeFile(blockFile(), '')
  const coordinator = spawn(process.execPath, [BATON_BIN, ...fleetArgs('rollout')], { stdio: 'ignore' })
  spawned.push(coordinator.pid!)
  const exited = new Promise((done) => coordinator.once('exit', done))
  await vi.waitFor(() => expect(existsSync(hookPidFile())).toBe(true), { timeout: 150_000, interval: 200 })
  const hookPid = Number((await readFile(hookPidFile(), 'utf8')).trim())
  spawned.push(hookPid)
  process.kill(coordinator.pid!, 'SIGKILL')
  await exited
  process.kill(hookPid, 'SIGKILL')
  await rm(blockFile())
}

beforeAll(async () => {
  await fleet.start('baton-fleet-recover-', () => writeFleet('web:v1'))
}, 240_000)

afterAll(async () => {
  for (const pid of spawned) if (alive(pid)) process.kill(pid, 'SIGKILL')
  await fleet.stop()
}, 120_000)

// No retry (P16): the cases expect the fleet revisions they make (2, 3, 4) and the last one
// SIGKILLs t2; a retried case would find its failed attempt's rollout, recovery or kill done.
describe('fleet: a coordinator killed mid-window', { retry: 0 }, () => {
  it('fleet recover rolls the interrupted window back (and, by failurePolicy rollback, window 1), re-adds both: 0 drained, 0 failed requests', async () => {
    await writeFleet('web:v2')
    await rolloutKilledInWindow2()

    // Where it was left: window 1 done, window 2 running with t2 drained at verify, on web:v2.
    const left = await fleetStatus()
    expect(left.rollout.outcome).toBe('running')
    expect(left.rollout.windows.map((w) => w.outcome)).toEqual(['succeeded', 'running'])
    expect(left.rollout.windows[1]!.steps).toEqual({ t2: 'verify' })
    expect(left.targets.map((t) => `${t.name} ${t.revision}/${t.frontBalancer}`)).toEqual(['t1 2/in', 't2 1/drained'])
    expect(await images()).toEqual(['web:v2', 'web:v2'])
    const text = expectOk('fleet status', await fleet.targets[0]!.cli(fleetArgs('status'))).stdout
    expect(text).toContain('interrupted: no coordinator holds the lock')
    expect(text).toContain('run baton fleet recover')
    expect(text).toContain('window 2: t2 at verify')

    // The recovery, under load through the front balancer.
    const reportFile = join(fleet.dir, 'recovery.json')
    const during = await verifyThroughFront(
      '150s',
      `${FleetHosts.shellLine(fleetArgs('recover', '-o', 'json'))} > '${reportFile}'; echo $? > '${reportFile}.code'`,
    )
    console.log(describeRun('fleet recover under load', during.verify))
    expect(Number((await readFile(`${reportFile}.code`, 'utf8')).trim()), during.stderr).toBe(0)
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as RecoveryReport
    expect(report.revision).toBe(2)
    expect(report.targets.map((t) => `${t.target}: ${t.found} → ${t.action} ${t.revision}`)).toEqual([
      't2: on revision 2 (interrupted) → rolled-back 1',
      't1: on revision 2 (interrupted) → rolled-back 1',
    ])
    expect(during.verify.failures, during.stderr).toEqual([])
    expect(during.verify.failed).toBe(0)
    expect(during.verify.total).toBeGreaterThanOrEqual(RATE * 5)

    // Nothing left drained; both back on revision 1 (web:v1), healthy and in the front balancer.
    await vi.waitFor(
      async () =>
        expect(
          (await fleetStatus()).targets.map((t) => `${t.name} ${t.revision}/${t.health}/${t.frontBalancer}`),
        ).toEqual(['t1 1/healthy/in', 't2 1/healthy/in']),
      { timeout: 20_000, interval: 500 },
    )
    expect(await images()).toEqual(['web:v1', 'web:v1'])
    const after = expectOk('fleet status', await fleet.targets[0]!.cli(fleetArgs('status'))).stdout
    expect(after).not.toContain('interrupted: no coordinator')
    expect(after).toMatch(/recovery .*: t2 on revision 2 \(interrupted\): rolled back to revision 1, added back/)

    // And after it: every request through the front balancer answered.
    const later = await verifyThroughFront('5s')
    console.log(describeRun('front balancer after recovery', later.verify))
    expect(later.verify.failed).toBe(0)
    expect(later.verify.total).toBeGreaterThanOrEqual(RATE * 4)
    expect(Object.keys(later.verify.versions)).toEqual(['v1'])
  }, 400_000)

  it('the next fleet rollout after a killed one recovers first (window 2 back, window 1 back), then rolls every window: 0 drained', async () => {
    await rolloutKilledInWindow2()
    expect((await fleetStatus()).targets.map((t) => `${t.name} ${t.frontBalancer}`)).toEqual(['t1 in', 't2 drained'])
    const r = await fleet.targets[0]!.cli(fleetArgs('rollout'), { timeoutMs: 200_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/fleet revision 3: interrupted: its coordinator \(pid \d+/)
    expect(r.stderr).toContain('recovering from interrupted revision 3 (failurePolicy rollback)')
    expect(r.stderr).toMatch(/recovery of interrupted revision 3: 0 left drained/)
    expect(r.stdout).toContain('fleet web revision 4: succeeded')
    const s = await fleetStatus()
    expect(s.targets.map((t) => `${t.name} ${t.revision}/${t.frontBalancer}`)).toEqual(['t1 4/in', 't2 4/in'])
    expect(await images()).toEqual(['web:v2', 'web:v2'])
  }, 300_000)

  it('a target killed with requests in flight: its GETs are retried elsewhere, its POSTs fail, and the front balancer counts exactly those against it', async () => {
    const before = (await fleetStatus()).targets
    const files = readProxyFiles(join(fleet.dir, 'state'))!
    const inflight = async () => {
      const r = await fetch(`${files.info.controlAddress}/v1/targets`, {
        headers: { authorization: `Bearer ${files.token}` },
      })
      const body = (await r.json()) as { targets: Array<{ name: string; inflight: number }> }
      return Object.fromEntries(body.targets.map((t) => [t.name, t.inflight]))
    }
    const url = `http://127.0.0.1:${fleet.frontPort}/?delay=8000`
    const answer = (method: 'GET' | 'POST') =>
      fetch(url, { method, ...(method === 'POST' ? { body: 'x' } : {}) }).then(
        async (r) => ({ method, status: r.status, body: await r.text() }),
        (err: Error) => ({ method, status: 0, body: err.message }),
      )
    const requests = [
      ...Array.from({ length: 10 }, () => answer('GET')),
      ...Array.from({ length: 10 }, () => answer('POST')),
    ]
    await vi.waitFor(async () => expect(await inflight()).toEqual({ t1: 10, t2: 10 }), {
      timeout: 10_000,
      interval: 100,
    })

    const t2 = fleet.targets[1]!
    const daemon = await t2.daemonPid()
    const proxy = await t2.proxyPid()
    process.kill(daemon, 'SIGKILL')
    const victims = [proxy, ...processesUnder(t2.dataDir).map((p) => p.pid)].filter((p) => p !== daemon)
    killAll(victims.map((pid) => ({ pid, cwd: '', cmdline: '' })))
    fleet.killed.add(1)

    const answers = await Promise.all(requests)
    const failed = answers.filter((a) => a.status !== 200)
    const errorsOf = (s: Status['targets'], name: string) => s.find((t) => t.name === name)!.errors
    await vi.waitFor(
      async () => expect((await fleetStatus()).targets.find((t) => t.name === 't2')!.health).toBe('unhealthy'),
      { timeout: 20_000, interval: 500 },
    )
    const after = (await fleetStatus()).targets
    console.log(
      `[e2e] requests in flight to a killed target: ${answers.length} sent, ${failed.length} failed (${failed.map((f) => `${f.method} ${f.status}`).join(', ')}); ` +
        `front balancer errors t1 +${errorsOf(after, 't1') - errorsOf(before, 't1')}, t2 +${errorsOf(after, 't2') - errorsOf(before, 't2')}`,
    )
    expect(answers.filter((a) => a.method === 'GET').map((a) => a.status)).toEqual(Array(10).fill(200))
    expect(failed.length).toBeGreaterThan(0)
    for (const f of failed) {
      expect(f.method).toBe('POST')
      expect(f.status).toBe(502)
      expect(f.body).toContain('the request was not retried because it may have been processed')
    }
    expect(errorsOf(after, 't2') - errorsOf(before, 't2')).toBe(failed.length)
    expect(errorsOf(after, 't1') - errorsOf(before, 't1')).toBe(0)
  }, 120_000)
})
