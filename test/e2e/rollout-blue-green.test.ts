/**
 * Issue 17 (blueGreen), end to end with the real daemon: a Rollout with `activeService` and
 * `previewService`, `autoPromotionEnabled: false`. The new revision is previewed (the preview
 * Service answers v2, the active one still v1), then `baton rollout promote` switches the
 * active Service in one write under `baton verify` at 300 requests/s on the active Service:
 * 0 failed requests, the last second all v2. The previous revision stays up for
 * `scaleDownDelaySeconds`: `rollout undo` and `promote` inside it switch back to its running
 * pods with 0 failed requests; the revision left then goes after the delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReplicaSet, Rollout } from '../../src/api/types.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { otherVersion, templateVersion, webRolloutManifest } from './support/manifests.ts'
import { freePort, SERVICE_PORTS } from './support/ports.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 300
const REPLICAS = 3
const SCALE_DOWN_DELAY_SECONDS = 30

let baton: Baton
let previewPort: number

function manifests(activePort: number): string {
  return webRolloutManifest({
    replicas: REPLICAS,
    strategy: {
      blueGreen: {
        activeService: 'web',
        previewService: 'web-preview',
        autoPromotionEnabled: false,
        scaleDownDelaySeconds: SCALE_DOWN_DELAY_SECONDS,
      },
    },
    services: { web: activePort, 'web-preview': previewPort },
  })
}

async function rollout(): Promise<Rollout> {
  return JSON.parse(expectOk('get rollout', await baton.cli(['get', 'rollout', 'web', '-o', 'json'])).stdout) as Rollout
}

async function replicaSets(): Promise<ReplicaSet[]> {
  const out = expectOk('get rs', await baton.cli(['get', 'replicasets', '-o', 'json'])).stdout
  return (JSON.parse(out) as { items: ReplicaSet[] }).items
}

/** The body of GET / on a loopback port, or the error's name. */
async function answer(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) })
    return (await res.text()).trim()
  } catch (err) {
    return String((err as Error).name)
  }
}

beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.rolloutBlueGreen })
  previewPort = await freePort()
  await baton.apply(manifests(baton.servicePort))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '120s']))
}, 180_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

describe('Rollout blueGreen with the real daemon', () => {
  it('previews v2 on the preview Service while the active one serves v1', async () => {
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', 'web=web:v2']))
    await expect
      .poll(async () => `${(await rollout()).status?.phase} ${(await rollout()).status?.message}`, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('Paused BlueGreenPause')
    await expect.poll(() => answer(previewPort), { timeout: 60_000, interval: 500 }).toBe('v2')
    expect(await answer(baton.servicePort)).toBe('v1')
  }, 240_000)

  it('promote switches the active Service to v2 with no failed request; the old revision stays up for scaleDownDelaySeconds', async () => {
    // v1 -> v2, as the case before left it paused. A retry (P16) finds its failed attempt's
    // promote done: preview the other version first, and promote that.
    const r0 = await rollout()
    if (r0.status?.phase !== 'Paused') {
      const next = otherVersion(templateVersion(r0))
      expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', `web=web:${next}`]))
      await expect.poll(async () => (await rollout()).status?.phase, { timeout: 120_000, interval: 500 }).toBe('Paused')
      await expect.poll(() => answer(previewPort), { timeout: 60_000, interval: 500 }).toBe(next)
    }
    const to = templateVersion(await rollout())
    const before = (await rollout()).status!.stableRS!
    const sh = [
      'sh',
      '-c',
      baton.shellLine(
        [
          'sleep 2',
          ['rollout', 'promote', 'rollout/web'],
          ['rollout', 'status', 'rollout/web', '--timeout', '90s'],
          'sleep 3',
        ],
        ' && ',
      ),
    ]
    const run = await runVerify(baton, { rate: RATE, keepAlive: true, rawCommand: sh, duration: '120s' })
    console.log(describeRun('blueGreen promote', run.report))
    expect(
      run.report.failed,
      JSON.stringify({ failures: run.report.failures.slice(0, 5), buckets: run.report.buckets }),
    ).toBe(0)
    expect(run.code, run.stderr).toBe(0)
    expect(run.report.buckets[0]?.versions).toEqual({ [otherVersion(to)]: 1 })
    expect(run.report.buckets.at(-2)?.versions).toEqual({ [to]: 1 })
    const st = (await rollout()).status!
    expect(st.phase).toBe('Healthy')
    expect(st.stableRS).toBe(st.currentPodHash)
    // The previous revision keeps its pods for the delay.
    const old = (await replicaSets()).find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === before)!
    expect(old.spec.replicas).toBe(REPLICAS)
  }, 300_000)

  it('undo inside scaleDownDelaySeconds goes back to the warm v1 pods with no failed request; v2 goes after the delay', async () => {
    const st0 = (await rollout()).status!
    const v1 = (await replicaSets()).find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] !== st0.stableRS)!
    expect(v1.spec.replicas).toBe(REPLICAS)
    const v1Pods = v1.status?.readyReplicas
    // v1 after the case before; a retry (P16) undoes its failed attempt's undo, inside the same window.
    const back = templateVersion(v1)
    const sh = [
      'sh',
      '-c',
      baton.shellLine(
        [
          'sleep 1',
          ['rollout', 'undo', 'rollout/web'],
          ['rollout', 'promote', 'rollout/web'],
          ['rollout', 'status', 'rollout/web', '--timeout', '90s'],
          'sleep 3',
        ],
        ' && ',
      ),
    ]
    const run = await runVerify(baton, { rate: RATE, keepAlive: true, rawCommand: sh, duration: '120s' })
    console.log(describeRun('blueGreen undo inside the warm window', run.report))
    expect(
      run.report.failed,
      JSON.stringify({ failures: run.report.failures.slice(0, 5), buckets: run.report.buckets }),
    ).toBe(0)
    expect(run.code, run.stderr).toBe(0)
    expect(run.report.buckets.at(-2)?.versions).toEqual({ [back]: 1 })
    // The same ReplicaSet serves again, its pods never went away.
    const st = (await rollout()).status!
    expect(st.phase).toBe('Healthy')
    expect(st.stableRS).toBe(v1.metadata.labels?.['rollouts-pod-template-hash'])
    const again = (await replicaSets()).find((rs) => rs.metadata.name === v1.metadata.name)!
    expect(again.status?.readyReplicas).toBe(v1Pods)
    // v2 is scaled down after the delay.
    await expect
      .poll(
        async () =>
          (await replicaSets()).find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === st0.stableRS)?.spec
            .replicas,
        { timeout: (SCALE_DOWN_DELAY_SECONDS + 60) * 1000, interval: 1000 },
      )
      .toBe(0)
    expect(await answer(baton.servicePort)).toBe(back)
  }, 300_000)
})
