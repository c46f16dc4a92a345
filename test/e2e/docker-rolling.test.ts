/**
 * Issue 14's first end-to-end claim: the same Deployment and Service YAML that rolls processes
 * rolls containers on a real Docker engine (the private dockerd of .ci/dockerd.sh) with no
 * failed request. `baton up --runtime docker`, images web:v1/web:v2 built locally through the
 * engine API, 4 replicas rolled v1 → v2 under `baton verify` at 300 requests/s, keep-alive off
 * and on.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NO_ENGINE, SKIP_REASON } from '../../src/runtime/docker/testing.ts'
import { expectOk } from './support/baton.ts'
import { useDockerBaton } from './support/docker-baton.ts'
import { webManifest } from './support/manifests.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 300

describe.skipIf(NO_ENGINE)(`zero downtime on Docker containers${SKIP_REASON}`, () => {
  const batonOf = useDockerBaton({ expectNoneLeft: true })

  const rollUnderLoad = async (keepAlive: boolean, from: string, to: string) => {
    const b = batonOf()
    const run = await runVerify(b, {
      rate: RATE,
      keepAlive,
      deployment: 'web',
      command: ['set', 'image', 'deployment/web', `web=web:${to}`],
    })
    console.log(describeRun(`docker, 4 replicas maxSurge 1 / maxUnavailable 0, keep-alive ${keepAlive}`, run.report))
    expect(run.report.failures, run.stderr).toEqual([])
    expect(run.report.failed).toBe(0)
    expect(run.code).toBe(0)
    expect(run.report.total).toBeGreaterThanOrEqual(600)
    expect(Object.keys(run.report.versions)).toEqual([from, to])
  }

  it('rolls 4 container replicas web:v1 → web:v2 (keep-alive off) and back (keep-alive on) with 0 failed requests', async () => {
    const b = batonOf()
    await b.apply(
      webManifest({ servicePort: b.servicePort, replicas: 4, image: 'web:v1', maxSurge: 1, maxUnavailable: 0 }),
    )
    expectOk(
      'rollout status',
      await b.cli(['rollout', 'status', 'deployment/web', '--timeout', '120s'], { timeoutMs: 150_000 }),
    )
    const pods = JSON.parse(expectOk('get pods', await b.cli(['get', 'pods', '-o', 'json'])).stdout) as {
      items: Array<{ status: { containerStatuses: Array<{ containerID: string; imageID: string }> } }>
    }
    expect(pods.items).toHaveLength(4)
    for (const p of pods.items) expect(p.status.containerStatuses[0]?.containerID).toMatch(/^docker:\/\//)
    // `baton logs` reads a container's log through the engine.
    const name = (pods.items[0] as unknown as { metadata: { name: string } }).metadata.name
    expect(expectOk('baton logs', await b.cli(['logs', name])).stdout).toMatch(
      / listening 0\.0\.0\.0:8080 v1 pid \d+\n/,
    )
    await rollUnderLoad(false, 'v1', 'v2')
    await rollUnderLoad(true, 'v2', 'v1')
  }, 400_000)

  it('the daemon killed with SIGKILL mid-rollout and restarted: containers are adopted, not restarted, and the rollout finishes', async () => {
    const b = batonOf()
    const daemon = await b.daemonPid()
    const proxy = await b.proxyPid()
    // v2 from the v1 the case before left. A retry (P16) must roll too: to the other image from
    // what its failed attempt left, and count only the adoptions of its own restart.
    const image = expectOk(
      'get deployment',
      await b.cli(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
    ).stdout.trim()
    const to = image === 'web:v2' ? 'v1' : 'v2'
    const adoptedBefore = (await readFile(join(b.dataDir, 'daemon.log'), 'utf8')).match(/pod adopted/g)?.length ?? 0
    const run = await runVerify(b, {
      rate: RATE,
      keepAlive: false,
      deployment: 'web',
      rawCommand: [
        'sh',
        '-c',
        b.shellLine([
          ['set', 'image', 'deployment/web', `web=web:${to}`],
          'sleep 1.5',
          `kill -9 ${daemon}`,
          'sleep 1',
          // No --runtime: the data dir recorded docker.
          ['up', '-d', '--port', String(b.port)],
          ['rollout', 'status', 'deployment/web', '--timeout', '120s'],
        ]),
      ],
    })
    console.log(describeRun('docker, daemon SIGKILL + restart mid-rollout', run.report))
    expect(run.report.failures, run.stderr).toEqual([])
    expect(run.code, run.stderr).toBe(0)
    expect(await b.daemonPid()).not.toBe(daemon)
    expect(await b.proxyPid()).toBe(proxy)
    expect(run.report.buckets.at(-1)?.versions).toEqual({ [to]: 1 })
    const pods = JSON.parse(expectOk('get pods', await b.cli(['get', 'pods', '-o', 'json'])).stdout) as {
      items: Array<{ status: { containerStatuses: Array<{ restartCount: number }> } }>
    }
    expect(pods.items).toHaveLength(4)
    expect(pods.items.map((p) => p.status.containerStatuses[0]?.restartCount)).toEqual([0, 0, 0, 0])
    // The restarted daemon took over the running containers (at least the 3 v1 pods a surge of 1 leaves).
    const log = await readFile(join(b.dataDir, 'daemon.log'), 'utf8')
    expect((log.match(/pod adopted/g)?.length ?? 0) - adoptedBefore).toBeGreaterThanOrEqual(3)
  }, 400_000)
})
