/**
 * Issue 18, end to end: four Baton hosts (each its own daemon, data directory and loopback
 * address 127.0.0.2–127.0.0.5, two replicas each) behind the fleet's front load balancer,
 * rolled window by window by `baton fleet rollout` while `baton verify` sends 300 requests/s
 * through the front balancer. Window 1 and window 50%: no request fails, and the front
 * balancer's own log shows each target drained before its new pods were created and added
 * back after, windows one after another. A verify hook that fails on one target: its window is
 * rolled back as a whole, the policy stops the rest, no request fails, the rollout exits 1.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { stringify } from 'yaml'
import type { RolloutReport } from '../../src/fleet/coordinator.ts'
import type { VerifyReport } from '../../src/verify/report.ts'
import { BATON_BIN, type Baton, expectOk, REPO_ROOT, startBaton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'
import { frontEvents as readFrontEvents, portFreeOnAll } from './support/fleet-hosts.ts'
import { freePort } from './support/ports.ts'
import { describeRun, E2E_CONNECTIONS } from './support/verify-run.ts'

const RATE = 300
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']

let targets: Baton[] = []
let dir = ''
let servicePort = 0
let frontPort = 0
let front: ChildProcess | undefined
let frontExited: Promise<void> = Promise.resolve()

function fleetYaml(o: {
  windowSize: number | string
  verify?: string[]
  policy?: Record<string, unknown>
  artifacts?: Record<string, string>
}): string {
  return stringify({
    apiVersion: 'baton.dev/v1',
    kind: 'Fleet',
    metadata: { name: 'web' },
    spec: {
      manifests: ['deploy.yaml'],
      ...(o.artifacts ? { artifacts: o.artifacts } : {}),
      targets: targets.map((t, i) => ({
        name: `t${i + 1}`,
        // Each daemon's own kubeconfig: its HTTPS server, its CA and its token.
        connection: { kubeconfig: join(t.dataDir, 'kubeconfig'), context: 'baton' },
        service: { host: HOSTS[i], port: servicePort },
        tags: ['web'],
      })),
      frontLoadBalancer: {
        listen: { host: '127.0.0.1', port: frontPort },
        // Generous for a machine this test shares: a check slower than 2 s, three in a row, takes a target out.
        healthCheck: { path: '/healthz', intervalSeconds: 1, timeoutSeconds: 2, unhealthyThreshold: 3 },
      },
      windowSize: o.windowSize,
      failurePolicy: o.policy ?? { action: 'stop' },
      rolloutTimeoutSeconds: 120,
      ...(o.verify ? { hooks: { verify: o.verify } } : {}),
    },
  })
}

async function writeFleet(image: string, fleet: Parameters<typeof fleetYaml>[0]): Promise<void> {
  await writeFile(join(dir, 'deploy.yaml'), webManifest({ servicePort, replicas: 2, image }))
  await writeFile(join(dir, 'fleet.yaml'), fleetYaml(fleet))
}

const fleetArgs = (verb: string, ...more: string[]) => [
  'fleet',
  verb,
  '-f',
  join(dir, 'fleet.yaml'),
  '--state-dir',
  join(dir, 'state'),
  ...more,
]

const frontEvents = () => readFrontEvents(join(dir, 'state'))

/** `baton verify` through the front balancer while `command` (a shell line) runs. */
function verifyThroughFront(keepAlive: boolean, command: string) {
  return targets[0]!.cli(
    [
      'verify',
      `http://127.0.0.1:${frontPort}/`,
      '--rate',
      String(RATE),
      ...(keepAlive ? ['--connections', String(E2E_CONNECTIONS)] : ['--no-keep-alive']),
      '--duration',
      '150s',
      '-o',
      'json',
      '--',
      'sh',
      '-c',
      command,
    ],
    { timeoutMs: 200_000 },
  )
}

/** `baton verify` through the front balancer while `baton fleet rollout -o json` runs. */
async function rolloutUnderLoad(keepAlive: boolean) {
  const rolloutCmd = [process.execPath, BATON_BIN, ...fleetArgs('rollout', '-o', 'json')]
  const reportFile = join(dir, 'rollout-report.json')
  const r = await verifyThroughFront(keepAlive, `${rolloutCmd.map((a) => `'${a}'`).join(' ')} > '${reportFile}'`)
  const verify = JSON.parse(r.stdout) as VerifyReport
  const rollout = JSON.parse(await readFile(reportFile, 'utf8')) as RolloutReport
  return { code: r.code, verify, rollout, stderr: r.stderr }
}

async function expectNoFailedRequest(name: string, v: VerifyReport, stderr: string) {
  const health = (await frontEvents()).filter((e) => e.event === 'unhealthy' || e.event === 'healthy')
  console.log(`${describeRun(name, v)}; front health changes so far: ${health.length}`)
  if (v.failed > 0) {
    const t0 = Date.parse(v.startedAt)
    const evs = (await frontEvents())
      .filter((e) => Date.parse(e.time) >= t0)
      .map((e) => `${((Date.parse(e.time) - t0) / 1000).toFixed(1)}s ${e.event} ${e.target}`)
    console.log(
      `per second ok/failed: ${v.buckets.map((b) => `${b.second}:${b.ok}/${b.failed}`).join(' ')}\nfront events: ${evs.join(', ')}\n${stderr}`,
    )
  }
  expect(v.failures, stderr).toEqual([])
  expect(v.failed).toBe(0)
  expect(v.total).toBeGreaterThanOrEqual(600)
  expect(v.total / (v.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
}

/**
 * When target i's first pod of `image` running now was created (RFC 3339, whole seconds): a
 * rollout creates new pods even when it scales an old ReplicaSet back up.
 */
async function newPodsCreated(i: number, image: string): Promise<number> {
  const r = expectOk('get pods', await targets[i]!.cli(['get', 'pods', '-o', 'json']))
  const items = (
    JSON.parse(r.stdout) as {
      items: Array<{ metadata: { creationTimestamp: string }; spec: { containers: Array<{ image: string }> } }>
    }
  ).items
  const times = items
    .filter((p) => p.spec.containers[0]!.image === image)
    .map((p) => Date.parse(p.metadata.creationTimestamp))
  expect(times.length, `target t${i + 1} runs pods of ${image}`).toBeGreaterThan(0)
  return Math.min(...times)
}

/**
 * From the front balancer's log since `sinceMs`: each target drained, then drained fully,
 * then added back; its new pods created after the drain (to the second: the timestamp's
 * resolution) and no later than its add; and windows in sequence: no target of a later window
 * drained before every target of the earlier one was added back.
 */
async function expectDrainedBeforeRollout(sinceMs: number, windows: string[][], image: string) {
  const events = (await frontEvents()).filter((e) => Date.parse(e.time) >= sinceMs && e.event !== 'healthy')
  const at = (target: string, event: string) => {
    const e = events.find((x) => x.target === target && x.event === event)
    expect(e, `${event} of ${target} in ${JSON.stringify(events)}`).toBeDefined()
    return Date.parse(e!.time)
  }
  let lastAdd = 0
  for (const w of windows) {
    for (const name of w) {
      const drain = at(name, 'drain')
      const drained = at(name, 'drained')
      const add = at(name, 'add')
      expect(drain).toBeLessThanOrEqual(drained)
      expect(drained).toBeLessThanOrEqual(add)
      expect(drain).toBeGreaterThanOrEqual(lastAdd)
      const created = await newPodsCreated(Number(name.slice(1)) - 1, image)
      expect(created).toBeGreaterThanOrEqual(Math.floor(drained / 1000) * 1000)
      expect(created).toBeLessThanOrEqual(add)
    }
    lastAdd = Math.max(...w.map((n) => at(n, 'add')))
  }
}

async function images(): Promise<string[]> {
  return Promise.all(
    targets.map(async (t) => {
      const r = expectOk('get deploy', await t.cli(['get', 'deployment', 'web', '-o', 'json']))
      return (JSON.parse(r.stdout) as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec
        .template.spec.containers[0]!.image
    }),
  )
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-fleet-e2e-'))
  servicePort = await portFreeOnAll(HOSTS)
  frontPort = await freePort()
  targets = await Promise.all(HOSTS.map((host) => startBaton({ upArgs: ['--service-host', host] })))
  await writeFleet('web:v1', { windowSize: '100%' })
  front = spawn(process.execPath, [BATON_BIN, ...fleetArgs('lb')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let frontErr = ''
  front.stderr!.setEncoding('utf8').on('data', (c: string) => (frontErr += c))
  frontExited = new Promise((done) => front!.once('exit', () => done()))
  await vi.waitFor(() => expect(frontErr).toContain('front load balancer of fleet web'), { timeout: 20_000 })
  // The first rollout (nothing to go back to): every target gets web:v1.
  const first = await targets[0]!.cli(fleetArgs('rollout'), { timeoutMs: 150_000 })
  expectOk('fleet rollout (web:v1)', first)
  await vi.waitFor(
    async () => {
      const s = JSON.parse(expectOk('fleet status', await targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout)
      expect(s.targets.map((t: { health: string; frontBalancer: string }) => `${t.health}/${t.frontBalancer}`)).toEqual(
        HOSTS.map(() => 'healthy/in'),
      )
    },
    { timeout: 20_000, interval: 500 },
  )
}, 240_000)

afterAll(async () => {
  if (front?.pid !== undefined && front.exitCode === null) {
    process.kill(front.pid, 'SIGINT')
    await Promise.race([frontExited, new Promise((r) => setTimeout(r, 5_000))])
    if (front.exitCode === null) process.kill(front.pid, 'SIGKILL')
  }
  const stops = await Promise.allSettled(targets.map((t) => t.stop()))
  if (dir) await rm(dir, { recursive: true, force: true })
  for (const s of stops) if (s.status === 'rejected') throw s.reason
}, 120_000)

describe('fleet: windows over four Baton hosts behind the front load balancer', () => {
  it('carries 300 requests/s across the four targets with no rollout: 0 failed requests', async () => {
    const r = await verifyThroughFront(true, 'sleep 8')
    const v = JSON.parse(r.stdout) as VerifyReport
    await expectNoFailedRequest('fleet steady', v, r.stderr)
    expect(r.code, r.stderr).toBe(0)
  }, 120_000)

  it('window 1 (keep-alive): web:v1 → web:v2, 0 failed requests, each target drained before its rollout', async () => {
    await writeFleet('web:v2', { windowSize: 1 })
    const since = Date.now()
    const r = await rolloutUnderLoad(true)
    await expectNoFailedRequest('fleet window 1', r.verify, r.stderr)
    expect(r.code, r.stderr).toBe(0)
    expect(r.rollout.outcome).toBe('succeeded')
    expect(r.rollout.windows.map((w) => w.targets)).toEqual([['t1'], ['t2'], ['t3'], ['t4']])
    expect(await images()).toEqual(['web:v2', 'web:v2', 'web:v2', 'web:v2'])
    await expectDrainedBeforeRollout(since, [['t1'], ['t2'], ['t3'], ['t4']], 'web:v2')
    // Every target served its share through the front balancer.
    const s = JSON.parse(expectOk('fleet status', await targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout)
    for (const t of s.targets) expect(t.requests, t.name).toBeGreaterThan(0)
  }, 240_000)

  it('window 50% (no keep-alive): web:v2 → web:v1, 0 failed requests, two windows of two', async () => {
    await writeFleet('web:v1', { windowSize: '50%' })
    const since = Date.now()
    const r = await rolloutUnderLoad(false)
    await expectNoFailedRequest('fleet window 50%', r.verify, r.stderr)
    expect(r.code, r.stderr).toBe(0)
    expect(r.rollout.windows.map((w) => w.targets)).toEqual([
      ['t1', 't2'],
      ['t3', 't4'],
    ])
    expect(await images()).toEqual(['web:v1', 'web:v1', 'web:v1', 'web:v1'])
    await expectDrainedBeforeRollout(
      since,
      [
        ['t1', 't2'],
        ['t3', 't4'],
      ],
      'web:v1',
    )
  }, 240_000)

  it('a verify hook that fails on t2: its window is rolled back as a whole, the rest stops, exit non-zero', async () => {
    await writeFleet('web:v3', {
      windowSize: '50%',
      verify: ['test "$BATON_TARGET" != t2 || { echo "t2 answers wrong"; exit 1; }'],
      policy: { action: 'stop' },
      artifacts: { 'web:v3': join(REPO_ROOT, 'examples/web/v2') },
    })
    const r = await rolloutUnderLoad(true)
    await expectNoFailedRequest('fleet failing verify hook', r.verify, r.stderr)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('window 1 failed and was rolled back; failurePolicy.action is stop')
    expect(r.rollout.outcome).toBe('failed')
    expect(r.rollout.windows.map((w) => w.outcome)).toEqual(['rolled-back', 'not-started'])
    expect(r.rollout.windows[0]!.failures).toEqual([
      { target: 't2', step: 'verify', message: expect.stringContaining('t2 answers wrong') },
    ])
    expect(r.rollout.windows[0]!.rollback?.map((b) => [b.target, b.ok])).toEqual([
      ['t1', true],
      ['t2', true],
    ])
    // The artifact went once to each target of the window that ran, to no other.
    expect(r.rollout.windows[0]!.pushed).toEqual({ t1: ['web:v3'], t2: ['web:v3'] })
    expect(await images()).toEqual(['web:v1', 'web:v1', 'web:v1', 'web:v1'])
    const history = expectOk('fleet history', await targets[0]!.cli(fleetArgs('history'))).stdout
    expect(history).toMatch(/\n4\s+\S+\s+failed/)
    const s = JSON.parse(expectOk('fleet status', await targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout)
    expect(s.targets.map((t: { frontBalancer: string }) => t.frontBalancer)).toEqual(['in', 'in', 'in', 'in'])
  }, 240_000)

  it('undo goes back to the revision before the last good one; apply of what runs is unchanged', async () => {
    await writeFleet('web:v2', { windowSize: 1 })
    const undo = expectOk('fleet undo', await targets[0]!.cli(fleetArgs('undo'), { timeoutMs: 150_000 }))
    expect(undo.stdout).toContain('revision 5: succeeded')
    expect(await images()).toEqual(['web:v2', 'web:v2', 'web:v2', 'web:v2'])
    const history = expectOk('fleet history', await targets[0]!.cli(fleetArgs('history'))).stdout
    expect(history).toMatch(/\n5\s+\S+\s+succeeded\s+t1,t2,t3,t4\s+undo to revision 2/)
    const apply = expectOk('fleet apply', await targets[0]!.cli(fleetArgs('apply')))
    expect(apply.stdout).toBe('fleet.baton.dev/web unchanged (every target runs revision 5)\n')
  }, 200_000)
})
