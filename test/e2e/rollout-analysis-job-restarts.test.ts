/**
 * Issue 17 (the `job` analysis provider), end to end, on a pushed artifact (steps:v1) that
 * sleeps or fails on purpose: a job measurement is shown `Running` while its pod runs and
 * becomes `Successful` in place (the same startedAt), the canary then promoted; with
 * `restartPolicy: OnFailure` a container that fails twice is restarted in its one pod and the
 * measurement is Successful with restartCount 2, and one that always fails ends, at backoffLimit
 * 1, Failed (BackoffLimitExceeded) with the Rollout aborted and the job's pod stopped.
 *
 * Retries (docs/conventions.md P16): every case applies its own job template and rolls to a
 * template that no attempt has run before (an env value of its own), so a retried case makes a
 * new revision and a new run whatever its failed attempt left (a canary half done, an aborted
 * Rollout: a new template clears the abort); it finds its run by its own token.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { stringify } from 'yaml'
import type { AnalysisRun, Pod, Rollout } from '../../src/api/types.ts'
import { aJobMetric } from '../support/builders.ts'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { webRolloutManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'

let baton: Baton
/** Makes each attempt's token new, so a retried case rolls to a template never run before. */
let attempts = 0

interface JobCase {
  /** The template's and the pods' name: a label value, unique to this attempt. */
  token: string
  restartPolicy: 'Never' | 'OnFailure'
  backoffLimit: number
  command: string[]
}

function newCase(name: string, o: Omit<JobCase, 'token'>): JobCase {
  attempts++
  return { token: `${name}-${attempts}`, ...o }
}

/** The job's AnalysisTemplate and the Rollout's new template whose canary it judges. */
function manifests(c: JobCase): string {
  const template = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: c.token },
    spec: {
      args: [{ name: 'token' }],
      metrics: [
        aJobMetric({
          labels: { purpose: c.token },
          spec: { backoffLimit: c.backoffLimit, activeDeadlineSeconds: 90 },
          container: { name: 'check', image: 'steps:v1', command: c.command },
          podSpec: { restartPolicy: c.restartPolicy },
        }),
      ],
    },
  }
  const rollout = webRolloutManifest({
    replicas: 1,
    image: 'web:v1',
    env: { JOB_CASE: c.token },
    strategy: {
      canary: {
        steps: [
          { setWeight: 50 },
          { analysis: { templates: [{ templateName: c.token }], args: [{ name: 'token', value: c.token }] } },
        ],
      },
    },
    services: { web: baton.servicePort },
  })
  return `${stringify(template)}---\n${rollout}`
}

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(expectOk(`get ${args.join(' ')}`, await baton.cli(['get', ...args, '-o', 'json'])).stdout) as T
}

/** The case's AnalysisRun (by its token argument) from the API, if it has been made. */
async function runOf(c: JobCase): Promise<AnalysisRun | undefined> {
  const res = await baton.api('/apis/argoproj.io/v1alpha1/namespaces/default/analysisruns')
  const runs = ((await res.json()) as { items: AnalysisRun[] }).items
  return runs.find((r) => r.spec.args?.some((a) => a.name === 'token' && a.value === c.token))
}

const podsOf = async (c: JobCase) => (await getJson<{ items: Pod[] }>(['pods', '-l', `purpose=${c.token}`])).items

/** Applies the case and waits for `rollout status`; its run and the run's one measurement. */
async function roll(c: JobCase) {
  await baton.apply(manifests(c))
  const status = await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '150s'], { timeoutMs: 180_000 })
  const rollout = await getJson<Rollout>(['rollout', 'web'])
  const run = await runOf(c)
  if (!run) console.log(await baton.cli(['get', 'analysisruns,rollouts,pods', '-o', 'yaml']))
  const measurements = run?.status?.metricResults?.[0]?.measurements ?? []
  console.log(`[e2e] ${c.token}: rollout status ${status.code}; measurements ${JSON.stringify(measurements)}`)
  return { status, rollout, run: run!, measurements }
}

beforeAll(async () => {
  baton = await startBaton({
    servicePort: SERVICE_PORTS.rolloutAnalysisJobRestarts,
    images: { 'steps:v1': join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'job-steps') },
  })
  await baton.apply(
    webRolloutManifest({
      replicas: 1,
      image: 'web:v1',
      strategy: { canary: {} },
      services: { web: baton.servicePort },
    }),
  )
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '120s']))
}, 180_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

describe('a job measurement while it runs, and restartPolicy OnFailure', () => {
  it('a job that takes 8 s: its measurement is Running meanwhile, then Successful in place; the canary promoted', async () => {
    const c = newCase('running', {
      restartPolicy: 'Never',
      backoffLimit: 0,
      command: ['node', 'steps.js', 'sleep', '8'],
    })
    const applied = performance.now()
    await baton.apply(manifests(c))
    // Polled through the API (a CLI call takes longer than this wants to wait between looks).
    const seen = await vi.waitFor(
      async () => {
        const m = (await runOf(c))?.status?.metricResults?.[0]?.measurements?.[0]
        if (m?.phase !== 'Running') throw new Error(`no Running measurement yet: ${JSON.stringify(m)}`)
        return { measurement: m, atMs: performance.now(), wallMs: Date.now() }
      },
      { timeout: 90_000, interval: 100 },
    )
    const [pod] = await podsOf(c)
    const podCreated = Date.parse(pod?.metadata.creationTimestamp ?? '')
    console.log(
      `[e2e] Running measurement seen ${Math.round(seen.atMs - applied)} ms after apply, ${seen.wallMs - podCreated} ms after the job pod's creationTimestamp (1 s resolution); startedAt ${seen.measurement.startedAt}`,
    )
    // `baton get analysisrun NAME -o json` shows it too, while the job's pod runs.
    const run = await getJson<AnalysisRun>(['analysisrun', (await runOf(c))!.metadata.name])
    expect(run.status?.phase).toBe('Running')
    expect(run.status?.metricResults?.[0]).toMatchObject({ phase: 'Running' })
    expect(run.status?.metricResults?.[0]?.measurements).toEqual([
      {
        phase: 'Running',
        startedAt: seen.measurement.startedAt,
        metadata: { 'job-name': expect.stringMatching(/-1$/) },
      },
    ])
    expect(pod?.status?.phase).toMatch(/^(Pending|Running)$/)

    const done = await roll(c)
    expect(done.status.code, done.status.stderr).toBe(0)
    expect(done.rollout.status?.phase).toBe('Healthy')
    expect(done.rollout.status?.stableRS).toBe(done.rollout.status?.currentPodHash)
    expect(done.run.status?.phase).toBe('Successful')
    // The same measurement, finished in place: its startedAt kept, at least the job's 8 s later.
    expect(done.measurements).toHaveLength(1)
    const m = done.measurements[0]!
    expect(m).toMatchObject({ phase: 'Successful', value: '0', startedAt: seen.measurement.startedAt })
    expect(Date.parse(m.finishedAt!) - Date.parse(m.startedAt!)).toBeGreaterThanOrEqual(7_000)
    expect(m.message).toContain('check passed')
  }, 300_000)

  it('restartPolicy OnFailure, a container that fails twice: restarted in its one pod, Successful with restartCount 2', async () => {
    const c = newCase('flaky', { restartPolicy: 'OnFailure', backoffLimit: 3, command: [] })
    const counter = join(baton.dataDir, `${c.token}.runs`)
    c.command = ['node', 'steps.js', 'fail-first', '2', counter]
    const { status, rollout, run, measurements } = await roll(c)
    expect(status.code, status.stderr).toBe(0)
    expect(rollout.status?.stableRS).toBe(rollout.status?.currentPodHash)
    expect(run.status?.phase).toBe('Successful')
    expect(measurements).toHaveLength(1)
    expect(measurements[0]).toMatchObject({ phase: 'Successful', value: '0' })
    expect(measurements[0]?.message).toContain('succeeded on attempt 1 after 2 container restarts')
    expect(measurements[0]?.message).toContain('run 3: check passed')
    // One pod, not three: the kubelet's restarts in place, counted on its container.
    const pods = await podsOf(c)
    expect(pods.map((p) => [p.status?.phase, p.status?.containerStatuses?.[0]?.restartCount])).toEqual([
      ['Succeeded', 2],
    ])
    expect(await readFile(counter, 'utf8')).toBe('3')
  }, 300_000)

  it('restartPolicy OnFailure, a container that always fails, backoffLimit 1: Failed (BackoffLimitExceeded), the pod stopped, the Rollout aborted', async () => {
    const c = newCase('broken', { restartPolicy: 'OnFailure', backoffLimit: 1, command: [] })
    // Every run fails; the restarted one takes 60 s to, so it still runs when the limit is reached.
    c.command = ['node', 'steps.js', 'fail-first', '1000', join(baton.dataDir, `${c.token}.runs`), '60']
    const { status, rollout, run, measurements } = await roll(c)
    expect(status.code).toBe(3)
    expect(status.stderr).toContain('aborted by its analysis')
    expect(rollout.status?.abort).toBe(true)
    // Argo's job provider: a Job that failed is a Failed measurement (not Error).
    expect(run.status?.phase).toBe('Failed')
    expect(measurements).toHaveLength(1)
    expect(measurements[0]).toMatchObject({ phase: 'Failed', value: '1' })
    expect(measurements[0]?.message).toContain(
      'BackoffLimitExceeded after 1 container restart (backoffLimit 1): container check exited 1 (Error)',
    )
    // The output of the instance that failed (`logs --previous`), not of the restarted one.
    expect(measurements[0]?.message).toMatch(/; output \(last lines\): run 1: check failed: exit 1$/)
    // The Job controller deletes a failed Job's active pod: it would restart on.
    await vi.waitFor(async () => expect(await podsOf(c)).toEqual([]), { timeout: 60_000, interval: 500 })
  }, 300_000)
})
