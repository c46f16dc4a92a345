/**
 * Issue 4's claim when things go wrong during a rollout, end to end, at 300 requests/s:
 * - a replica killed with SIGKILL mid-rollout: its in-flight requests are retried by the load
 *   balancer; only requests cut mid-answer could fail, and verify counts those apart;
 * - the daemon killed with SIGKILL mid-rollout and started again: the load balancer (its own
 *   process) keeps serving, the new daemon adopts the running replicas and finishes the rollout;
 * - a version whose readiness never passes: the rollout stalls at the progress deadline, no
 *   request reaches the broken replicas, `rollout status` exits 1, and undo recovers.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'
import { PodLogCollector } from './support/pod-logs.ts'
import { SERVICE_PORTS } from './support/ports.ts'
import { replicaProcesses, versionNotRunning } from './support/processes.ts'
import { describeRun, runVerify, type VerifyRunOptions } from './support/verify-run.ts'

const RATE = 300
const REPLICAS = 4
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let baton: Baton

beforeAll(async () => {
  baton = await startBaton({
    servicePort: SERVICE_PORTS.zeroDowntimeFailures,
    images: { 'web:broken': join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'never-ready') },
  })
  await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: REPLICAS, maxSurge: 1, maxUnavailable: 0 }))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '60s']))
}, 90_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

async function underLoad(name: string, o: Omit<VerifyRunOptions, 'rate'>) {
  const run = await runVerify(baton, { rate: RATE, ...o })
  console.log(describeRun(name, run.report))
  expect(run.report.total / (run.report.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
  return run
}

/**
 * The version to roll to: the one not running now. Each case rolls from what the one before
 * left, and a retried case (vitest's retry, P16) must start a real rollout too, not repeat one
 * that already finished.
 */
const nextVersion = () => versionNotRunning(baton.dataDir)

/** `sh -c 'baton A && baton B ...'`. */
const sh = (steps: readonly (readonly string[] | string)[]) => ['sh', '-c', baton.shellLine(steps)]

describe('zero downtime when things fail mid-rollout', () => {
  it('a replica killed with SIGKILL mid-rollout: its requests are retried elsewhere', async () => {
    // Each request is held 50 ms by the app, so at 300/s about 15 are in flight at any time.
    // A new connection per request: verify's 16 keep-alive connections, one request at a time
    // each, would top out near 16 / 50 ms = 320/s and queue on a busy machine.
    const lb = baton.loadBalancer()
    const before = (await lb.metrics()).anomalies
    const to = nextVersion()
    const running = underLoad(`SIGKILL an old replica mid-rollout to ${to}`, {
      keepAlive: false,
      path: '/?delay=50',
      deployment: 'web',
      command: ['set', 'image', 'deployment/web', `web=web:${to}`],
    })
    // Mid-rollout (a new replica exists), an old replica with requests in flight on it.
    let victim: { pid: number; inflight: number } | undefined
    for (let i = 0; i < 200 && victim === undefined; i++) {
      await sleep(50)
      const procs = replicaProcesses(baton.dataDir)
      if (!procs.some((p) => p.version === to)) continue
      for (const p of procs.filter((p) => p.version !== to)) {
        const inflight = await lb.inflight(p.podUid)
        if (inflight > 0) {
          process.kill(p.pid, 'SIGKILL')
          victim = { pid: p.pid, inflight }
          break
        }
      }
    }
    expect(victim).toBeDefined()
    const { report, code } = await running
    const after = (await lb.metrics()).anomalies
    console.log(
      `[e2e] SIGKILL pid ${victim!.pid} with ${victim!.inflight} requests in flight: ` +
        `load balancer retried ${after.retries - before.retries}; ` +
        `clients saw ${report.failed - report.midAnswer} retryable failures, ${report.midAnswer} cut mid-answer`,
    )
    // The killed replica's requests were retried on others; only failures cut mid-answer may
    // remain (the app answers in one write, so expect none).
    expect(after.retries - before.retries).toBeGreaterThan(0)
    expect(report.failed - report.midAnswer, JSON.stringify(report.failures)).toBe(0)
    expect(report.buckets.at(-1)?.versions).toEqual({ [to]: 1 })
    if (report.failed === 0) expect(code).toBe(0)
  }, 120_000)

  it('the daemon killed with SIGKILL mid-rollout and restarted: traffic flows, the rollout finishes', async () => {
    const logs = PodLogCollector.start(baton.dataDir)
    // A case that fails before its own stop() must not leave the collector polling and its
    // files open into the next case (and its retry); a second stop() finds nothing to close.
    onTestFinished(async () => void (await logs.stop()))
    const proxyBefore = await baton.proxyPid()
    const daemon = await baton.daemonPid()
    const to = nextVersion()
    const { report, code, stderr } = await underLoad(`daemon SIGKILL + restart mid-rollout to ${to}`, {
      keepAlive: false,
      rawCommand: sh([
        ['set', 'image', 'deployment/web', `web=web:${to}`],
        'sleep 1.5',
        `kill -9 ${daemon}`,
        'sleep 1',
        ['up', '-d', '--port', String(baton.port)],
        ['rollout', 'status', 'deployment/web', '--timeout', '60s'],
      ]),
    })
    expect(report.failures, stderr).toEqual([])
    expect(code, stderr).toBe(0)
    expect(await baton.daemonPid()).not.toBe(daemon)
    expect(await baton.proxyPid()).toBe(proxyBefore)
    expect(report.buckets.at(-1)?.versions).toEqual({ [to]: 1 })
    const procs = replicaProcesses(baton.dataDir)
    expect(procs.map((p) => p.version)).toEqual(Array(REPLICAS).fill(to))
    // Adopted, not restarted: every replica that ran in this case started exactly once.
    const started = (await logs.stop()).map((l) => l.lines.filter((x) => x.event === 'listening').length)
    expect(started.filter((n) => n !== 1)).toEqual([])
    expect(started.length).toBeGreaterThanOrEqual(2 * REPLICAS)
  }, 120_000)

  it('a version that never gets ready: stalls at the progress deadline without a failed request; undo recovers', async () => {
    // A short deadline (the default is 600 s); changing it alone starts no rollout.
    const manifest = { servicePort: baton.servicePort, replicas: REPLICAS, maxSurge: 1, maxUnavailable: 0 }
    const good = nextVersion() === 'v1' ? 'v2' : 'v1'
    await baton.apply(webManifest({ ...manifest, image: `web:${good}`, progressDeadlineSeconds: 10 }))
    const stalled = await underLoad('rollout to a never-ready version', {
      keepAlive: true,
      // status is expected to fail: "; " instead of " && ", and its exit code printed.
      rawCommand: [
        'sh',
        '-c',
        baton.shellLine(
          [
            ['set', 'image', 'deployment/web', 'web=web:broken'],
            ['rollout', 'status', 'deployment/web', '--timeout', '60s'],
            'echo "rollout status exit $?" >&2',
          ],
          '; ',
        ),
      ],
    })
    expect(stalled.report.failures).toEqual([])
    expect(stalled.report.versions).toEqual({ [good]: stalled.report.ok })
    expect(stalled.stderr).toContain('error: deployment "web" exceeded its progress deadline')
    expect(stalled.stderr).toContain('rollout status exit 1')
    const undo = await underLoad('undo the never-ready rollout', {
      keepAlive: false,
      deployment: 'web',
      command: ['rollout', 'undo', 'deployment/web'],
    })
    expect(undo.report.failures).toEqual([])
    expect(undo.code).toBe(0)
    expect(replicaProcesses(baton.dataDir).map((p) => p.version)).toEqual(Array(REPLICAS).fill(good))
  }, 120_000)
})
