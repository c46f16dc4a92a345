/**
 * Issue 18, a target lost mid-rollout: three Baton hosts (127.0.0.2–.4, two replicas each)
 * behind the fleet's front load balancer, rolled one target per window under `baton verify`
 * through the front balancer. While window 1 rolls, target t2 (serving traffic, its window
 * still to come) is SIGKILLed: its daemon, its load balancer and its replicas. The front
 * balancer takes it out within its health check; the only requests allowed to fail are those
 * in flight to t2 when it died (the front balancer counts them per target). The coordinator
 * fails t2's window (the daemon does not answer), cannot roll it back and leaves it out of the
 * front balancer, goes on with t3 (failurePolicy continue, maxFailedTargets 1), reports t2 in
 * `fleet status`, and exits 1.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { stringify } from 'yaml'
import type { RolloutReport } from '../../src/fleet/coordinator.ts'
import type { VerifyReport } from '../../src/verify/report.ts'
import { BATON_BIN, type Baton, expectOk, startBaton } from './support/baton.ts'
import { frontEvents, portFreeOnAll } from './support/fleet-hosts.ts'
import { webManifest } from './support/manifests.ts'
import { freePort } from './support/ports.ts'
import { killAll, processesUnder } from './support/processes.ts'
import { describeRun } from './support/verify-run.ts'

const RATE = 100
/**
 * verify sends one request at a time per keep-alive connection: 100 of them carry 100
 * requests/s up to 1 s of latency, which this shared machine reaches under load.
 */
const CONNECTIONS = 100
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4']
const HEALTH = { path: '/healthz', intervalSeconds: 1, timeoutSeconds: 2, unhealthyThreshold: 3 }

let targets: Baton[] = []
let dir = ''
let servicePort = 0
let frontPort = 0
let front: ChildProcess | undefined
let frontExited: Promise<void> = Promise.resolve()
/** Targets whose processes the test killed: started again before they are stopped. */
const killed = new Set<number>()

const stateDir = () => join(dir, 'state')

async function writeFleet(image: string): Promise<void> {
  await writeFile(join(dir, 'deploy.yaml'), webManifest({ servicePort, replicas: 2, image }))
  await writeFile(
    join(dir, 'fleet.yaml'),
    stringify({
      apiVersion: 'baton.dev/v1',
      kind: 'Fleet',
      metadata: { name: 'web' },
      spec: {
        manifests: ['deploy.yaml'],
        targets: targets.map((t, i) => ({
          name: `t${i + 1}`,
          connection: { kubeconfig: join(t.dataDir, 'kubeconfig'), context: 'baton' },
          service: { host: HOSTS[i], port: servicePort },
        })),
        frontLoadBalancer: { listen: { host: '127.0.0.1', port: frontPort }, healthCheck: HEALTH },
        windowSize: 1,
        failurePolicy: { action: 'continue', maxFailedTargets: 1 },
        rolloutTimeoutSeconds: 120,
      },
    }),
  )
}

const fleetArgs = (verb: string, ...more: string[]) => [
  'fleet',
  verb,
  '-f',
  join(dir, 'fleet.yaml'),
  '--state-dir',
  stateDir(),
  ...more,
]

interface StatusTarget {
  name: string
  health: string
  frontBalancer: string
  requests: number
  errors: number
}

async function fleetStatus(): Promise<{ targets: StatusTarget[] }> {
  return JSON.parse(expectOk('fleet status', await targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout)
}

async function images(indexes: number[]): Promise<string[]> {
  return Promise.all(
    indexes.map(async (i) => {
      const r = expectOk('get deploy', await targets[i]!.cli(['get', 'deployment', 'web', '-o', 'json']))
      return (JSON.parse(r.stdout) as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec
        .template.spec.containers[0]!.image
    }),
  )
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-fleet-failures-'))
  servicePort = await portFreeOnAll(HOSTS)
  frontPort = await freePort()
  targets = await Promise.all(HOSTS.map((host) => startBaton({ upArgs: ['--service-host', host] })))
  await writeFleet('web:v1')
  front = spawn(process.execPath, [BATON_BIN, ...fleetArgs('lb')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let frontErr = ''
  front.stderr!.setEncoding('utf8').on('data', (c: string) => (frontErr += c))
  frontExited = new Promise((done) => front!.once('exit', () => done()))
  await vi.waitFor(() => expect(frontErr).toContain('front load balancer of fleet web'), { timeout: 20_000 })
  expectOk('fleet rollout (web:v1)', await targets[0]!.cli(fleetArgs('rollout'), { timeoutMs: 150_000 }))
  await vi.waitFor(
    async () =>
      expect((await fleetStatus()).targets.map((t) => `${t.health}/${t.frontBalancer}`)).toEqual(
        HOSTS.map(() => 'healthy/in'),
      ),
    { timeout: 20_000, interval: 500 },
  )
}, 240_000)

afterAll(async () => {
  if (front?.pid !== undefined && front.exitCode === null) {
    process.kill(front.pid, 'SIGINT')
    await Promise.race([frontExited, new Promise((r) => setTimeout(r, 5_000))])
    if (front.exitCode === null) process.kill(front.pid, 'SIGKILL')
  }
  // A killed target's daemon is started again, so that `baton down --all` has one to stop.
  await Promise.allSettled([...killed].map((i) => targets[i]!.up()))
  const stops = await Promise.allSettled(targets.map((t) => t.stop()))
  if (dir) await rm(dir, { recursive: true, force: true })
  for (const s of stops) if (s.status === 'rejected') throw s.reason
}, 120_000)

describe('fleet: a target killed mid-rollout', () => {
  it('t2 SIGKILLed while window 1 rolls: out of the front LB within its health check, only its in-flight requests fail, its window fails, t3 still rolls, exit 1', async () => {
    await writeFleet('web:v2')
    const before = (await fleetStatus()).targets
    expect(before.find((t) => t.name === 't2')!.frontBalancer).toBe('in')
    const t2 = targets[1]!
    const daemon = await t2.daemonPid()
    const proxy = await t2.proxyPid()
    const since = Date.now()
    const reportFile = join(dir, 'rollout-report.json')
    const rolloutCmd = [process.execPath, BATON_BIN, ...fleetArgs('rollout', '-o', 'json')]
      .map((a) => `'${a}'`)
      .join(' ')
    // The rollout's exit code is kept in a file: verify's own code also counts failed requests.
    const load = targets[0]!.cli(
      [
        'verify',
        `http://127.0.0.1:${frontPort}/`,
        '--rate',
        String(RATE),
        '--connections',
        String(CONNECTIONS),
        '--duration',
        '150s',
        '-o',
        'json',
        '--',
        'sh',
        '-c',
        `${rolloutCmd} > '${reportFile}'; echo $? > '${reportFile}.code'`,
      ],
      { timeoutMs: 200_000 },
    )
    await vi.waitFor(
      async () =>
        expect(
          (await frontEvents(stateDir())).some(
            (e) => e.target === 't1' && e.event === 'drained' && Date.parse(e.time) >= since,
          ),
        ).toBe(true),
      { timeout: 90_000, interval: 50 },
    )
    // The daemon first (it would restart what dies before it), then its load balancer and replicas.
    const killedAt = Date.now()
    process.kill(daemon, 'SIGKILL')
    const victims = [proxy, ...processesUnder(t2.dataDir).map((p) => p.pid)].filter((p) => p !== daemon)
    killAll(victims.map((pid) => ({ pid, cwd: '', cmdline: '' })))
    expect(new Set(victims).size).toBeGreaterThanOrEqual(3) // its load balancer and two replicas
    killed.add(1)

    const r = await load
    const v = JSON.parse(r.stdout) as VerifyReport
    const rolloutCode = Number((await readFile(`${reportFile}.code`, 'utf8')).trim())
    const rollout = JSON.parse(await readFile(reportFile, 'utf8')) as RolloutReport
    const after = (await fleetStatus()).targets
    const errorsOf = (name: string) =>
      after.find((t) => t.name === name)!.errors - before.find((t) => t.name === name)!.errors
    const events = (await frontEvents(stateDir())).filter((e) => Date.parse(e.time) >= since)
    const unhealthy = events.find((e) => e.target === 't2' && e.event === 'unhealthy')
    console.log(
      `${describeRun('fleet target killed', v)}; requests the front LB lost in flight to t2: ${errorsOf('t2')}; ` +
        `t2 out of the front LB ${unhealthy ? Date.parse(unhealthy.time) - killedAt : '-'} ms after the kill`,
    )
    let alive = true
    try {
      process.kill(daemon, 0)
    } catch {
      alive = false
    }
    if (v.failed > 0 || rolloutCode !== 1) {
      console.log(`t2 daemon ${daemon} alive after the rollout: ${alive}`)
      const t0 = Date.parse(v.startedAt)
      const at = (ms: number) => ((ms - t0) / 1000).toFixed(1)
      console.log(
        `kill at ${at(killedAt)}s; per second ok/failed: ${v.buckets.map((b) => `${b.second}:${b.ok}/${b.failed}`).join(' ')}\n` +
          `front events: ${events.map((e) => `${at(Date.parse(e.time))}s ${e.event} ${e.target}`).join(', ')}\n${r.stderr}`,
      )
    }

    // The front balancer took t2 out within its health check: three failed checks of ≤ 2 s each,
    // one interval apart, with room for a machine this test shares.
    expect(unhealthy, JSON.stringify(events)).toBeDefined()
    expect(Date.parse(unhealthy!.time) - killedAt).toBeLessThan(15_000)
    // Only requests in flight to t2 when it died may fail, and the front balancer counted each.
    expect(errorsOf('t1')).toBe(0)
    expect(errorsOf('t3')).toBe(0)
    expect(v.failed, JSON.stringify(v.failures)).toBeLessThanOrEqual(errorsOf('t2'))
    expect(v.total).toBeGreaterThanOrEqual(RATE * 5)

    // The coordinator: t2's window failed (its daemon does not answer) and could not be rolled
    // back, so t2 stays out of the front balancer; the policy went on with t3; exit 1.
    expect(rolloutCode, r.stderr).toBe(1)
    expect(r.stderr).toContain('window 2 failed and was rolled back')
    expect(rollout.outcome).toBe('failed')
    expect(rollout.windows.map((w) => [w.targets, w.outcome])).toEqual([
      [['t1'], 'succeeded'],
      [['t2'], 'rolled-back'],
      [['t3'], 'succeeded'],
    ])
    expect(rollout.windows[1]!.failures).toEqual([
      { target: 't2', step: expect.any(String), message: expect.stringContaining('cannot reach the Baton daemon') },
    ])
    expect(rollout.windows[1]!.rollback?.map((b) => [b.target, b.ok])).toEqual([['t2', false]])
    expect(rollout.updated).toEqual(['t1', 't3'])
    expect(await images([0, 2])).toEqual(['web:v2', 'web:v2'])

    // `fleet status` reports it: t2 unhealthy and drained, the failure named.
    expect(after.map((t) => `${t.name} ${t.health}/${t.frontBalancer}`)).toEqual([
      't1 healthy/in',
      't2 unhealthy/drained',
      't3 healthy/in',
    ])
    const text = expectOk('fleet status', await targets[0]!.cli(fleetArgs('status'))).stdout
    expect(text).toMatch(/window 2: t2 failed at \w+: cannot reach the Baton daemon/)
  }, 300_000)
})
