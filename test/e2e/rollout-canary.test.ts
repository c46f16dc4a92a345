/**
 * Issue 17, item 2, end to end: an Argo Rollouts `Rollout` with canary steps, Baton's own load
 * balancer as the traffic router. Under `baton verify` at 300 requests/s, the canary's share
 * at the load balancer (its per-revision counters) and at the clients (the version each answer
 * names) is setWeight ± 2 points at 10, 25 and 50 although the canary has 1 or 2 of 4+ pods;
 * promoting to the end and aborting (all traffic back to stable at once) fail no request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Rollout } from '../../src/api/types.ts'
import type { TrafficMetrics } from '../../src/proxy/types.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { otherVersion, templateVersion, webRolloutManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 300
const REPLICAS = 4

let baton: Baton

function manifests(servicePort: number): string {
  return webRolloutManifest({
    replicas: REPLICAS,
    strategy: {
      canary: {
        abortScaleDownDelaySeconds: 5,
        steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
      },
    },
    services: { web: servicePort },
  })
}

async function rollout(): Promise<Rollout> {
  return JSON.parse(expectOk('get rollout', await baton.cli(['get', 'rollout', 'web', '-o', 'json'])).stdout) as Rollout
}

/** Waits until the Rollout pauses at step `index` (0-based, the pause step) with that weight applied. */
async function pausedAt(index: number, weight: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const st = (await rollout()).status
        return `${st?.phase} ${st?.currentStepIndex} ${st?.canary?.weights?.canary.weight}`
      },
      { timeout: 60_000, interval: 250 },
    )
    .toBe(`Paused ${index} ${weight}`)
}

/** Requests per revision at the load balancer for the web service (cumulative). */
async function lbRevisions(): Promise<Record<string, number>> {
  const m: TrafficMetrics = await baton.loadBalancer().metrics()
  const svc = m.services.find((s) => s.service === 'web')
  return Object.fromEntries(Object.entries(svc?.revisions ?? {}).map(([rev, c]) => [rev, c.requests]))
}

/** Runs load for 5 s; returns the canary's (version `to`) share (percent) at the load balancer and at the clients. */
async function measure(weight: number, to: string): Promise<{ lb: number; clients: number }> {
  const r = (await rollout()).status!
  const canary = r.canary!.weights!.canary.podTemplateHash
  const before = await lbRevisions()
  const run = await runVerify(baton, { rate: RATE, keepAlive: true, duration: '5s' })
  const after = await lbRevisions()
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]))
  const total = Object.values(delta).reduce((a, b) => a + b, 0)
  const lb = (100 * (delta[canary] ?? 0)) / total
  const clients = (100 * (run.report.versions[to] ?? 0)) / run.report.ok
  console.log(
    `${describeRun(`setWeight ${weight}`, run.report)}; load balancer: ${total} requests, canary ${lb.toFixed(2)}% (${JSON.stringify(delta)}), clients ${clients.toFixed(2)}%`,
  )
  expect(run.report.failed).toBe(0)
  expect(run.report.total).toBeGreaterThanOrEqual(1200)
  expect(run.report.total / (run.report.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
  return { lb, clients }
}

beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.rolloutCanary })
  await baton.apply(manifests(baton.servicePort))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
}, 150_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

describe('Rollout canary with the load balancer as the traffic router', () => {
  it('applies setWeight 10, 25 and 50 exactly (± 2 points), then promotes to v2 with no failed request', async () => {
    // v1 -> v2 from beforeAll's state. A retry (P16) finds its failed attempt's canary paused or
    // promoted: finish it, then roll to the version that is not stable, through every step again.
    const st0 = (await rollout()).status
    if (st0?.currentPodHash !== st0?.stableRS) {
      expectOk('promote --full', await baton.cli(['rollout', 'promote', '--full', 'rollout/web']))
      expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    }
    const to = otherVersion(templateVersion(await rollout()))
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', `web=web:${to}`]))
    const table = expectOk('get rollout', await baton.cli(['get', 'rollout', 'web'])).stdout
    expect(table).toMatch(/SETWEIGHT\s+ACTUALWEIGHT/)
    for (const [index, weight] of [
      [1, 10],
      [3, 25],
      [5, 50],
    ] as const) {
      await pausedAt(index, weight)
      const share = await measure(weight, to)
      expect(Math.abs(share.lb - weight)).toBeLessThanOrEqual(2)
      expect(Math.abs(share.clients - weight)).toBeLessThanOrEqual(2)
      // The canary has ceil(4 × weight / 100) pods: 1, 1, 2 of 5, 5, 6.
      const st = (await rollout()).status!
      expect(st.updatedReplicas).toBe(Math.ceil((REPLICAS * weight) / 100))
      if (index < 5) expectOk('promote', await baton.cli(['rollout', 'promote', 'rollout/web']))
    }
    const sh = [
      'sh',
      '-c',
      baton.shellLine(
        [
          ['rollout', 'promote', 'rollout/web'],
          ['rollout', 'status', 'rollout/web', '--timeout', '90s'],
        ],
        ' && ',
      ),
    ]
    const run = await runVerify(baton, { rate: RATE, keepAlive: true, rawCommand: sh })
    console.log(describeRun('promote to the end', run.report))
    expect(run.report.failures, run.stderr).toEqual([])
    expect(run.report.failed).toBe(0)
    expect(run.code).toBe(0)
    expect(run.report.buckets.at(-1)?.versions).toEqual({ [to]: 1 })
    const st = (await rollout()).status!
    expect(st.phase).toBe('Healthy')
    expect(st.stableRS).toBe(st.currentPodHash)
  }, 300_000)

  it('abort sends all traffic back to stable at once, with no failed request', async () => {
    // The canary is the version that is not stable (v1 after the case before). A canary already
    // running (a retry's, P16, whose failed attempt aborted it or not) starts its steps again:
    // aborted, then `rollout retry` (the template already names it).
    const r0 = await rollout()
    const inCanary = r0.status?.currentPodHash !== r0.status?.stableRS
    const canary = inCanary ? templateVersion(r0) : otherVersion(templateVersion(r0))
    const stable = otherVersion(canary)
    if (!inCanary) expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', `web=web:${canary}`]))
    else {
      if (!r0.status?.abort) expectOk('abort', await baton.cli(['rollout', 'abort', 'rollout/web']))
      expectOk('retry', await baton.cli(['rollout', 'retry', 'rollout/web']))
    }
    await pausedAt(1, 10)
    const sh = ['sh', '-c', baton.shellLine([['rollout', 'abort', 'rollout/web'], 'sleep 3'], ' && ')]
    const run = await runVerify(baton, { rate: RATE, keepAlive: true, rawCommand: sh })
    console.log(describeRun('abort at setWeight 10', run.report))
    expect(
      run.report.failed,
      JSON.stringify({ failures: run.report.failures.slice(0, 5), buckets: run.report.buckets }),
    ).toBe(0)
    expect(run.code).toBe(0)
    // The last whole second is all stable (v2 now); the canary (v1) had about 10% before.
    expect(run.report.buckets.at(-2)?.versions).toEqual({ [stable]: 1 })
    const status = await baton.cli(['rollout', 'status', 'rollout/web', '--watch=false'])
    expect(status.stdout).toContain('Degraded - RolloutAborted')
    const watched = await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '10s'])
    expect(watched.code).toBe(1)
    expect(watched.stderr).toContain('aborted')
    // After abortScaleDownDelaySeconds (5 s) the canary's pod goes.
    await expect.poll(async () => (await rollout()).status?.updatedReplicas, { timeout: 30_000 }).toBe(0)
  }, 180_000)
})
