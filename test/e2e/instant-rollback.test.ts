/**
 * Issue 17's instant rollback for a Deployment, end to end with the real daemon: with
 * `baton.dev/scale-down-delay-seconds`, the previous revision's pods keep running out of the
 * load balancer after a rollout, and `baton rollout undo` inside the window puts those very
 * pods back into service: no pod is started (the app takes 2 s to become ready, so a new pod
 * would show), no request fails, and the load balancer serves only the old revision soon after.
 * The time from the undo to the last answer of the new revision is printed (docs/benchmarks.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deployment, Pod, ReplicaSet } from '../../src/api/types.ts'
import { planUndo } from '../../src/rollout/rollback.ts'
import { WARM_UNTIL_ANNOTATION } from '../../src/api/warm-window.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'

const REPLICAS = 4
const WORKERS = 4
const MAX_REQUESTS = 20_000
const MAX_LOAD_MS = 30_000

let baton: Baton

async function pods(): Promise<Pod[]> {
  const out = expectOk('get pods', await baton.cli(['get', 'pods', '-o', 'json'])).stdout
  return (JSON.parse(out) as { items: Pod[] }).items.filter((p) => !p.metadata.deletionTimestamp)
}

const ofImage = (all: Pod[], image: string) => all.filter((p) => p.spec.containers[0]?.image === image)
const names = (all: Pod[]) => all.map((p) => p.metadata.name).sort()

interface Answer {
  start: number
  body: string
}

/** Keep-alive GETs on the Service from WORKERS loops, until `stop()` or the bounds. */
function load(url: string): { answers: Answer[]; stop: () => Promise<void> } {
  const answers: Answer[] = []
  let stopped = false
  const until = performance.now() + MAX_LOAD_MS
  const worker = async () => {
    while (!stopped && answers.length < MAX_REQUESTS && performance.now() < until) {
      const start = performance.now()
      let body: string
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
        body = res.ok ? (await res.text()).trim() : `HTTP ${res.status}`
      } catch (err) {
        body = `error ${(err as Error).name}`
      }
      answers.push({ start, body })
    }
  }
  const running = Promise.all(Array.from({ length: WORKERS }, worker))
  return {
    answers,
    stop: async () => {
      stopped = true
      await running
    },
  }
}

beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.instantRollback })
  await baton.apply(
    webManifest({
      servicePort: baton.servicePort,
      replicas: REPLICAS,
      maxSurge: 1,
      maxUnavailable: 0,
      startupDelayMs: 2000,
      annotations: { 'baton.dev/scale-down-delay-seconds': '300' },
    }),
  )
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '90s']))
}, 150_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

/** The API's view of the Deployment and its ReplicaSets, then the undo's one write (what the CLI does). */
async function undoThroughApi(): Promise<void> {
  const base = '/apis/apps/v1/namespaces/default'
  const d = (await (await baton.api(`${base}/deployments/web`)).json()) as Deployment
  const rss = ((await (await baton.api(`${base}/replicasets`)).json()) as { items: ReplicaSet[] }).items
  const plan = planUndo(d, rss, 0)
  if (plan.kind !== 'rollback') throw new Error(`undo planned nothing: ${JSON.stringify(plan)}`)
  const body = {
    ...d,
    metadata: { ...d.metadata, annotations: plan.annotations },
    spec: { ...d.spec, template: plan.template },
  }
  const res = await baton.api(`${base}/deployments/web`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`PUT deployment: ${res.status} ${await res.text()}`)
}

/**
 * Undoes under load from `from` to `to` and returns the figures: the undo's own time and when
 * the load balancer last answered with `from` (after the undo began, and after it returned).
 */
async function switchUnderLoad(from: string, to: string, undo: () => Promise<void>) {
  const traffic = load(baton.url('/'))
  await expect.poll(() => traffic.answers.length, { timeout: 10_000 }).toBeGreaterThan(200)
  expect(new Set(traffic.answers.map((a) => a.body))).toEqual(new Set([from]))
  const undoAt = performance.now()
  await undo()
  const undoReturned = performance.now()
  // `from` is out of the load balancer once a second of answers has passed with none of it.
  await expect
    .poll(
      () => {
        const late = traffic.answers.filter((a) => a.start > undoReturned)
        const last = Math.max(undoAt, ...traffic.answers.filter((a) => a.body === from).map((a) => a.start))
        return late.length > 0 && performance.now() - last > 1000
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(true)
  await traffic.stop()
  const { answers } = traffic
  const failed = answers.filter((a) => a.body !== from && a.body !== to)
  const lastFrom = Math.max(...answers.filter((a) => a.body === from).map((a) => a.start))
  const firstTo = Math.min(...answers.filter((a) => a.body === to).map((a) => a.start))
  const figures = {
    requests: answers.length,
    failed: failed.length,
    undoMs: Math.round(undoReturned - undoAt),
    firstNewAfterUndoMs: Math.round(firstTo - undoAt),
    lastOldAfterUndoMs: Math.round(lastFrom - undoAt),
    bothServedMs: Math.round(lastFrom - firstTo),
  }
  expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([])
  expect(answers.at(-1)?.body).toBe(to)
  return figures
}

describe('instant rollback of a Deployment inside its warm window', () => {
  it('undo puts the warm v1 pods back into service: no pod started, no request failed', async () => {
    const v1 = names(ofImage(await pods(), 'web:v1'))
    expect(v1).toHaveLength(REPLICAS)
    expectOk('set image', await baton.cli(['set', 'image', 'deployment/web', 'web=web:v2']))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '120s']))

    // Rolled out: v2 serves, the v1 pods still run, out of service, marked warm.
    const after = await pods()
    expect(names(ofImage(after, 'web:v1'))).toEqual(v1)
    expect(ofImage(after, 'web:v1').every((p) => p.metadata.annotations?.[WARM_UNTIL_ANNOTATION])).toBe(true)
    const v2 = names(ofImage(after, 'web:v2'))
    expect(v2).toHaveLength(REPLICAS)

    const api = await switchUnderLoad('v2', 'v1', undoThroughApi)
    console.log(`instant rollback, undo as one API write: ${JSON.stringify(api)}`)
    // The very same v1 pods serve again; the v2 pods are now the warm ones.
    const back = await pods()
    expect(names(ofImage(back, 'web:v1'))).toEqual(v1)
    expect(ofImage(back, 'web:v1').some((p) => p.metadata.annotations?.[WARM_UNTIL_ANNOTATION])).toBe(false)
    expect(names(ofImage(back, 'web:v2'))).toEqual(v2)
    expect(ofImage(back, 'web:v2').every((p) => p.metadata.annotations?.[WARM_UNTIL_ANNOTATION])).toBe(true)
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '30s']))

    // And back again with the CLI: its start-up is part of this figure.
    const cli = await switchUnderLoad('v1', 'v2', async () => {
      expectOk('undo', await baton.cli(['rollout', 'undo', 'deployment/web']))
    })
    console.log(`instant rollback, baton rollout undo: ${JSON.stringify(cli)}`)
    const again = await pods()
    expect(names(ofImage(again, 'web:v2'))).toEqual(v2)
    expect(names(ofImage(again, 'web:v1'))).toEqual(v1)
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '30s']))
  }, 300_000)
})
