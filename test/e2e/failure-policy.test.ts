/**
 * Issue 17's failure policy end to end, at 300 requests/s through Baton's load balancer:
 * - a version that never gets ready: the policy rolls it back on its own, no request fails,
 *   `rollout status` exits 3 (rolled back automatically) and `baton verify` says when;
 * - a version that answers 5% of requests with 500: judged by the load balancer's figures for
 *   its revision and rolled back; the only failed requests are the 500s it served before.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { webManifest, type WebManifestOptions } from './support/manifests.ts'
import { replicaProcesses } from './support/processes.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 300
const REPLICAS = 4
const POLICY = { 'baton.dev/failure-action': 'rollback', 'baton.dev/failure-monitor': '10s' }

let baton: Baton
let manifest: WebManifestOptions

beforeAll(async () => {
  baton = await startBaton({
    images: { 'web:broken': join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'never-ready') },
  })
  manifest = {
    servicePort: baton.servicePort,
    replicas: REPLICAS,
    maxSurge: 1,
    maxUnavailable: 0,
    annotations: POLICY,
  }
  await baton.apply(webManifest(manifest))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '60s']))
}, 90_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

/** `sh -c '...'`: the rollout, then `rollout status` with its exit code printed. */
function rolloutThenStatus(first: readonly string[]): string[] {
  return [
    'sh',
    '-c',
    baton.shellLine(
      [first, ['rollout', 'status', 'deployment/web', '--timeout', '90s'], 'echo "rollout status exit $?" >&2'],
      '; ',
    ),
  ]
}

async function conditionOf(): Promise<{ reason?: string; message?: string } | undefined> {
  const r = await baton.cli(['get', 'deployment', 'web', '-o', 'json'])
  const d = JSON.parse(r.stdout) as {
    status?: { conditions?: Array<{ type: string; reason?: string; message?: string }> }
  }
  return d.status?.conditions?.find((c) => c.type === 'FailurePolicy')
}

/** Failed requests per second of the run, for the log: where in the rollout they fell. */
function failedPerSecond(r: { buckets: Array<{ second: number; failed: number; total: number }> }): string {
  return r.buckets.map((b) => `${b.second}:${b.failed}/${b.total}`).join(' ')
}

async function allV1(): Promise<void> {
  await vi.waitFor(
    () => expect(replicaProcesses(baton.dataDir).map((p) => p.version)).toEqual(Array(REPLICAS).fill('v1')),
    {
      timeout: 60_000,
      interval: 500,
    },
  )
}

describe('failure policy: automatic rollback', () => {
  it('a version that never gets ready is rolled back on its own: 0 failed requests, exit 3', async () => {
    const run = await runVerify(baton, {
      rate: RATE,
      keepAlive: true,
      deployment: 'web',
      rawCommand: rolloutThenStatus(['set', 'image', 'deployment/web', 'web=web:broken']),
    })
    console.log(describeRun('never-ready version under a rollback policy', run.report))
    console.log(`[e2e] verify: ${JSON.stringify(run.report.automatic)}`)
    console.log(`[e2e] failed/total per second: ${failedPerSecond(run.report)}`)
    expect(run.report.total / (run.report.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
    expect(run.report.failures).toEqual([])
    expect(run.stderr).toContain('rollout status exit 3')
    expect(run.stderr).toMatch(
      /error: deployment "web" was rolled back automatically at \S+: revision \d+ failed: 1 of 4 new pods failed/,
    )
    // verify ends with the rollback's code and reports it, with when.
    expect(run.code).toBe(3)
    expect(run.report.automatic).toMatchObject({ action: 'rolledBack' })
    expect(run.report.automatic?.atMs).toBeGreaterThan(0)
    expect(await conditionOf()).toMatchObject({ reason: 'RolledBack' })
    await allV1()
  }, 150_000)

  it('a version answering 5% 500s fails by its own figures and is rolled back', async () => {
    const file = join(baton.dataDir, 'web-errors.yaml')
    await writeFile(file, webManifest({ ...manifest, image: 'web:v2', env: { ERROR_RATE: '0.05' } }))
    const run = await runVerify(baton, {
      rate: RATE,
      keepAlive: true,
      deployment: 'web',
      rawCommand: rolloutThenStatus(['apply', '-f', file]),
    })
    const r = run.report
    console.log(describeRun('5% 500s version under a rollback policy', r))
    console.log(`[e2e] failed/total per second: ${failedPerSecond(r)}`)
    const v2Served = (r.versions.v2 ?? 0) + r.failed
    const failures = r.failures.map((f) => f.atMs)
    const windowS = failures.length > 1 ? (failures.at(-1)! - failures[0]!) / 1000 : 0
    console.log(
      `[e2e] 5% 500s: ${r.failed} failed of ${v2Served} served by v2 (${((100 * r.failed) / Math.max(1, v2Served)).toFixed(1)}%); ` +
        `first to last failure ${windowS.toFixed(1)} s (of the first ${r.failures.length} listed); ` +
        `rate × window × 5% = ${(RATE * windowS * 0.05).toFixed(0)}; rolled back at +${((r.automatic?.atMs ?? 0) / 1000).toFixed(1)} s; ` +
        `condition: ${(await conditionOf())?.message}`,
    )
    expect(r.total / (r.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
    expect(run.stderr).toContain('rollout status exit 3')
    expect(run.stderr).toMatch(/its traffic failed: new revision \d+\.\d% failed/)
    expect(run.code).toBe(3)
    // Only the new revision failed requests, all of them its own 500s: the stable one none.
    expect(Object.keys(r.byKind)).toEqual(['http_500'])
    expect(r.failed).toBeGreaterThan(0)
    expect(r.failed / v2Served).toBeGreaterThan(0.02)
    expect(r.failed / v2Served).toBeLessThan(0.08)
    // Judged within seconds: far fewer failures than 5% of 30 s of the whole load.
    expect(r.failed).toBeLessThan(RATE * 30 * 0.05)
    await allV1()
  }, 150_000)
})
