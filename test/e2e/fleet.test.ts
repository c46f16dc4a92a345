/**
 * Issue 18, end to end: four Baton hosts (each its own daemon, data directory and loopback
 * address 127.0.0.2–127.0.0.5, two replicas each) behind the fleet's front load balancer,
 * rolled window by window by `baton fleet rollout` while `baton verify` sends 300 requests/s
 * through the front balancer. Window 1 and window 50%: no request fails, and the front
 * balancer's own log shows each target drained before its new pods were created and added
 * back after, windows one after another. A verify hook that fails on one target: its window is
 * rolled back as a whole, the policy stops the rest, no request fails, the rollout exits 1.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RolloutReport } from '../../src/fleet/coordinator.ts'
import type { VerifyReport } from '../../src/verify/report.ts'
import { expectOk, REPO_ROOT } from './support/baton.ts'
import { FleetHosts } from './support/fleet-hosts.ts'
import { describeRun, E2E_CONNECTIONS } from './support/verify-run.ts'

const RATE = 300
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']

const fleet = new FleetHosts(HOSTS)
const fleetArgs = fleet.args
const frontEvents = fleet.frontEvents

async function writeFleet(
  image: string,
  o: {
    windowSize: number | string
    verify?: string[]
    policy?: Record<string, unknown>
    artifacts?: Record<string, string>
  },
): Promise<void> {
  await fleet.write(image, {
    windowSize: o.windowSize,
    tags: ['web'],
    ...(o.artifacts ? { artifacts: o.artifacts } : {}),
    failurePolicy: o.policy ?? { action: 'stop' },
    ...(o.verify ? { hooks: { verify: o.verify } } : {}),
  })
}

/** `baton verify` through the front balancer while `command` (a shell line) runs. */
function verifyThroughFront(keepAlive: boolean, command: string) {
  return fleet.verify({
    rate: RATE,
    ...(keepAlive ? { connections: E2E_CONNECTIONS } : {}),
    duration: '150s',
    command,
  })
}

/** `baton verify` through the front balancer while `baton fleet rollout -o json` runs. */
async function rolloutUnderLoad(keepAlive: boolean) {
  const reportFile = join(fleet.dir, 'rollout-report.json')
  const r = await verifyThroughFront(
    keepAlive,
    `${FleetHosts.shellLine(fleetArgs('rollout', '-o', 'json'))} > '${reportFile}'`,
  )
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
  const r = expectOk('get pods', await fleet.targets[i]!.cli(['get', 'pods', '-o', 'json']))
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

const images = () => fleet.images()

beforeAll(async () => {
  await fleet.start('baton-fleet-e2e-', () => writeFleet('web:v1', { windowSize: '100%' }))
  await fleet.waitAllIn()
}, 240_000)

afterAll(async () => {
  await fleet.stop()
}, 120_000)

describe('fleet: windows over four Baton hosts behind the front load balancer', () => {
  it('carries 300 requests/s across the four targets with no rollout: 0 failed requests', async () => {
    const r = await verifyThroughFront(true, 'sleep 8')
    const v = JSON.parse(r.stdout) as VerifyReport
    await expectNoFailedRequest('fleet steady', v, r.stderr)
    expect(r.code, r.stderr).toBe(0)
  }, 120_000)

  // No retry (P16) for this case and the ones after it: each rolls from what the one before
  // left and expects the fleet revision it makes (2 to 5); a retried case would find its
  // failed attempt's rollout done, and roll nothing or make another revision.
  it('window 1 (keep-alive): web:v1 → web:v2, 0 failed requests, each target drained before its rollout', {
    retry: 0,
    timeout: 240_000,
  }, async () => {
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
    const s = JSON.parse(
      expectOk('fleet status', await fleet.targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout,
    )
    for (const t of s.targets) expect(t.requests, t.name).toBeGreaterThan(0)
  })

  // No retry (P16): see the window 1 case.
  it('window 50% (no keep-alive): web:v2 → web:v1, 0 failed requests, two windows of two', {
    retry: 0,
    timeout: 240_000,
  }, async () => {
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
  })

  // No retry (P16): see the window 1 case.
  it('a verify hook that fails on t2: its window is rolled back as a whole, the rest stops, exit non-zero', {
    retry: 0,
    timeout: 240_000,
  }, async () => {
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
    const history = expectOk('fleet history', await fleet.targets[0]!.cli(fleetArgs('history'))).stdout
    expect(history).toMatch(/\n4\s+\S+\s+failed/)
    const s = JSON.parse(
      expectOk('fleet status', await fleet.targets[0]!.cli(fleetArgs('status', '-o', 'json'))).stdout,
    )
    expect(s.targets.map((t: { frontBalancer: string }) => t.frontBalancer)).toEqual(['in', 'in', 'in', 'in'])
  })

  // No retry (P16): see the window 1 case.
  it('undo goes back to the revision before the last good one; apply of what runs is unchanged', {
    retry: 0,
    timeout: 200_000,
  }, async () => {
    await writeFleet('web:v2', { windowSize: 1 })
    const undo = expectOk('fleet undo', await fleet.targets[0]!.cli(fleetArgs('undo'), { timeoutMs: 150_000 }))
    expect(undo.stdout).toContain('revision 5: succeeded')
    expect(await images()).toEqual(['web:v2', 'web:v2', 'web:v2', 'web:v2'])
    const history = expectOk('fleet history', await fleet.targets[0]!.cli(fleetArgs('history'))).stdout
    expect(history).toMatch(/\n5\s+\S+\s+succeeded\s+t1,t2,t3,t4\s+undo to revision 2/)
    const apply = expectOk('fleet apply', await fleet.targets[0]!.cli(fleetArgs('apply')))
    expect(apply.stdout).toBe('fleet.baton.dev/web unchanged (every target runs revision 5)\n')
  })
})
