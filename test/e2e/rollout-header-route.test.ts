/**
 * Issue 17 with the real daemon: a canary's `setHeaderRoute` step at Baton's load balancer
 * (requests with the header reach the canary at weight 0, the others the stable revision, and
 * the route goes at the end of the rollout), then a blueGreen `postPromotionAnalysis` that fails
 * after the switch: the active Service goes back to the previous revision and `rollout status`
 * exits 3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Rollout } from '../../src/api/types.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { webRolloutManifest } from './support/manifests.ts'
import { freePort, SERVICE_PORTS } from './support/ports.ts'

let baton: Baton

async function rollout(): Promise<Rollout> {
  return JSON.parse(expectOk('get rollout', await baton.cli(['get', 'rollout', 'web', '-o', 'json'])).stdout) as Rollout
}

/** The bodies of `n` GETs on the Service, with `headers`. */
async function answers(n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const res = await fetch(baton.url('/'), { headers, signal: AbortSignal.timeout(5000) })
    out.push((await res.text()).trim())
  }
  return out
}

beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.rolloutHeaderRoute })
}, 120_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

describe('setHeaderRoute and postPromotionAnalysis with the real daemon', () => {
  it('routes requests with the header to the canary at weight 0; the others stay on stable', async () => {
    // A retry (P16) may find the Rollout its failed attempt left mid-canary or promoted: it
    // starts from none, as the first attempt did (this case deletes it at its end too).
    expectOk('delete', await baton.cli(['delete', 'rollout', 'web', '--ignore-not-found']))
    const route = { name: 'beta', match: [{ headerName: 'X-Canary', headerValue: { exact: 'yes' } }] }
    await baton.apply(
      webRolloutManifest({
        replicas: 2,
        strategy: { canary: { steps: [{ setWeight: 0 }, { setHeaderRoute: route }, { pause: {} }] } },
        services: { web: baton.servicePort },
      }),
    )
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', 'web=web:v2']))
    await expect
      .poll(async () => `${(await rollout()).status?.phase} ${(await rollout()).status?.currentStepIndex}`, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe('Paused 2')
    // A header route keeps one canary pod at weight 0, which gets no request but the routed ones.
    await expect
      .poll(async () => (await answers(5, { 'x-canary': 'yes' })).join(' '), { timeout: 60_000, interval: 500 })
      .toBe('v2 v2 v2 v2 v2')
    expect((await rollout()).status?.canary?.headerRoutes).toEqual([route])
    expect(new Set(await answers(40, { 'x-canary': 'no' }))).toEqual(new Set(['v1']))
    expect(new Set(await answers(40))).toEqual(new Set(['v1']))

    expectOk('promote', await baton.cli(['rollout', 'promote', 'rollout/web']))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    expect((await rollout()).status?.canary?.headerRoutes).toBeUndefined()
    await expect
      .poll(async () => (await answers(5)).join(' '), { timeout: 30_000, interval: 500 })
      .toBe('v2 v2 v2 v2 v2')
    expectOk('delete', await baton.cli(['delete', 'rollout', 'web']))
  }, 300_000)

  it('a failed postPromotionAnalysis switches the active Service back to the previous revision', async () => {
    const preview = await freePort()
    const template = (name: string, condition: string) => `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: ${name}}
spec:
  metrics:
    - name: health
      successCondition: ${JSON.stringify(condition)}
      provider:
        web: {url: "http://127.0.0.1:${baton.servicePort}/healthz"}
`
    await baton.apply(`${template('healthy', 'len(result) > 0')}---\n${template('never', 'result == "never"')}`)
    await baton.apply(
      webRolloutManifest({
        replicas: 2,
        strategy: {
          blueGreen: {
            activeService: 'web',
            previewService: 'web-preview',
            prePromotionAnalysis: { templates: [{ templateName: 'healthy' }] },
            postPromotionAnalysis: { templates: [{ templateName: 'never' }] },
            abortScaleDownDelaySeconds: 0,
          },
        },
        services: { web: baton.servicePort, 'web-preview': preview },
      }),
    )
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    expect(new Set(await answers(5))).toEqual(new Set(['v1']))
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', 'web=web:v2']))
    const status = await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '120s'])
    expect(status.code, status.stderr).toBe(3)
    expect(status.stderr, status.stderr).toMatch(/analysis run 'web-\S+-post' Failed/)
    const st = (await rollout()).status!
    expect(st.phase).toBe('Degraded')
    expect(st.blueGreen?.prePromotionAnalysisRunStatus?.status).toBe('Successful')
    expect(st.blueGreen?.postPromotionAnalysisRunStatus?.status).toBe('Failed')
    await expect
      .poll(async () => (await answers(5)).join(' '), { timeout: 30_000, interval: 500 })
      .toBe('v1 v1 v1 v1 v1')
  }, 300_000)
})
