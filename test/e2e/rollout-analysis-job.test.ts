/**
 * Issue 17, item 2 (the `job` analysis provider), end to end: a canary Rollout whose analysis
 * step runs a Job, a pushed artifact (check:v1) that GETs the Service and exits with the code
 * the Rollout's args give it. Exit 0: the measurement is Successful and the Rollout promoted;
 * exit 1 (backoffLimit 0): Failed, the Rollout aborted, `rollout status` exits 3. Each
 * measurement carries the exit code and the tail of the job's output, and the job ran as a pod
 * owned by its AnalysisRun.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { AnalysisRun, Pod, ReplicaSet, Rollout } from '../../src/api/types.ts'
import { aJobMetric } from '../support/builders.ts'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { otherVersion, templateVersion, webRolloutManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'

let baton: Baton

function template(): string {
  return stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'smoke' },
    spec: {
      args: [{ name: 'url' }, { name: 'exit-code' }],
      metrics: [
        aJobMetric({
          labels: { purpose: 'smoke' },
          spec: { backoffLimit: 0, activeDeadlineSeconds: 60 },
          container: {
            name: 'check',
            image: 'check:v1',
            command: ['node', 'check.js', '{{args.url}}', '{{args.exit-code}}'],
          },
        }),
      ],
    },
  })
}

function manifests(image: string, exitCode: number): string {
  return webRolloutManifest({
    replicas: 2,
    image,
    strategy: {
      canary: {
        steps: [
          { setWeight: 50 },
          {
            analysis: {
              templates: [{ templateName: 'smoke' }],
              args: [
                { name: 'url', value: `http://127.0.0.1:${baton.servicePort}/` },
                { name: 'exit-code', value: String(exitCode) },
              ],
            },
          },
        ],
      },
    },
    services: { web: baton.servicePort },
  })
}

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(expectOk(`get ${args.join(' ')}`, await baton.cli(['get', ...args, '-o', 'json'])).stdout) as T
}

/**
 * The image to roll to: the version the stable ReplicaSet does not run. A retry (P16) may find its
 * failed attempt's canary judged, aborted or promoted: the stable template goes back first.
 */
async function nextImage(): Promise<string> {
  const r = await getJson<Rollout>(['rollout', 'web'])
  const rs = await getJson<{ items: ReplicaSet[] }>(['rs', '-l', `rollouts-pod-template-hash=${r.status?.stableRS}`])
  const stable = templateVersion(rs.items[0]!)
  if (templateVersion(r) !== stable) {
    await writeFile(join(baton.dataDir, 'stable.yaml'), manifests(`web:${stable}`, 0))
    expectOk('apply', await baton.cli(['apply', '-f', join(baton.dataDir, 'stable.yaml')]))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
  }
  return `web:${otherVersion(stable)}`
}

const names = (list: { items: { metadata: { name: string } }[] }) => new Set(list.items.map((o) => o.metadata.name))

/** Applies `image` with the job told to exit `exitCode`, and waits for `rollout status`. */
async function rollTo(image: string, exitCode: number) {
  // The runs before this update: a retry's (P16) run is a new one, even for the same pod template.
  const before = names(await getJson<{ items: AnalysisRun[] }>(['analysisruns']))
  const file = join(baton.dataDir, `${image.replace(':', '-')}-${exitCode}.yaml`)
  await writeFile(file, manifests(image, exitCode))
  expectOk('apply', await baton.cli(['apply', '-f', file]))
  const status = await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '120s'], { timeoutMs: 150_000 })
  const rollout = await getJson<Rollout>(['rollout', 'web'])
  const runs = (await getJson<{ items: AnalysisRun[] }>(['analysisruns'])).items
  const run = runs.find(
    (r) =>
      !before.has(r.metadata.name) &&
      r.metadata.labels?.['rollouts-pod-template-hash'] === rollout.status?.currentPodHash,
  )
  if (!run) console.log(await baton.cli(['get', 'analysisruns,rollouts,pods', '-o', 'yaml']))
  const measurement = run?.status?.metricResults?.[0]?.measurements?.[0]
  console.log(
    `[e2e] job metric, exit ${exitCode}: rollout status ${status.code}; measurement ${JSON.stringify(measurement)}`,
  )
  return { status, rollout, run: run!, measurement }
}

beforeAll(async () => {
  baton = await startBaton({
    servicePort: SERVICE_PORTS.rolloutAnalysisJob,
    images: { 'check:v1': join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'job-check') },
  })
  await baton.apply(template())
  await baton.apply(manifests('web:v1', 0))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '120s']))
}, 180_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

describe('Rollout canary judged by a job metric', () => {
  it('the job exits 0: the measurement is Successful and the canary promoted', async () => {
    // The job pods before: a retry (P16) finds its failed attempt's.
    const podsBefore = names(await getJson<{ items: Pod[] }>(['pods', '-l', 'purpose=smoke']))
    const { status, rollout, run, measurement } = await rollTo(await nextImage(), 0)
    expect(status.code, status.stderr).toBe(0)
    expect(rollout.status?.phase).toBe('Healthy')
    expect(rollout.status?.stableRS).toBe(rollout.status?.currentPodHash)
    expect(run.status?.phase).toBe('Successful')
    expect(measurement).toMatchObject({ phase: 'Successful', value: '0' })
    // The output's tail: the check reached the Service and said so.
    expect(measurement?.message).toContain('container check exited 0')
    expect(measurement?.message).toContain('smoke test passed')
    expect(measurement?.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/: 200/)
    // The job ran as a pod owned by the run, labelled from the job's metadata; it is kept for `baton logs`.
    const pods = (await getJson<{ items: Pod[] }>(['pods', '-l', 'purpose=smoke'])).items.filter(
      (p) => !podsBefore.has(p.metadata.name),
    )
    expect(pods.map((p) => [p.metadata.ownerReferences?.[0]?.name, p.status?.phase])).toEqual([
      [run.metadata.name, 'Succeeded'],
    ])
    const logs = expectOk('logs', await baton.cli(['logs', pods[0]!.metadata.name]))
    expect(logs.stdout).toContain('smoke test passed')
  }, 240_000)

  it('the job exits 1: the measurement is Failed and the Rollout aborted, rollout status exits 3', async () => {
    const image = await nextImage()
    const stable = (await getJson<Rollout>(['rollout', 'web'])).status?.stableRS
    const { status, rollout, run, measurement } = await rollTo(image, 1)
    expect(status.code).toBe(3)
    expect(status.stderr).toContain('aborted by its analysis')
    expect(rollout.status?.phase).toBe('Degraded')
    expect(rollout.status?.abort).toBe(true)
    expect(rollout.status?.stableRS).toBe(stable)
    expect(rollout.status?.canary?.weights?.canary.weight).toBe(0)
    expect(run.status?.phase).toBe('Failed')
    expect(measurement).toMatchObject({ phase: 'Failed', value: '1' })
    expect(measurement?.message).toContain(
      'BackoffLimitExceeded after 1 attempt (backoffLimit 0): container check exited 1',
    )
    expect(measurement?.message).toContain('smoke test failed: exit 1')
  }, 240_000)
})
