/**
 * Issue 14 §5: the Docker engine restarted while replicas run. A private engine of this test's
 * own (.ci/dockerd.sh, restarted with baton_dockerd_restart, which stops its containers as a
 * service restart does), so no other test's engine goes away. The agent reconnects; each pod's
 * container is restarted once, with events that name the engine; no replica runs twice; the
 * Deployment is Available again.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectEngine, type Engine } from '../../src/runtime/docker/engine.ts'
import { buildExampleImages } from '../../src/runtime/docker/example-image.ts'
import { NO_ENGINE, removeOwned, SKIP_REASON } from '../../src/runtime/docker/testing.ts'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'

const SCRIPT = join(REPO_ROOT, '.ci', 'dockerd.sh')
const ENGINE_VARS = ['DOCKER_HOST', 'BATON_DOCKERD_DIR', 'BATON_DOCKERD_PID', 'BATON_DOCKERD_BRIDGE'] as const
type EngineEnv = Record<(typeof ENGINE_VARS)[number], string>

/** Runs `fn` of .ci/dockerd.sh with `env` and returns the engine's variables afterwards. */
function dockerd(fn: string, env: Partial<EngineEnv> = {}): EngineEnv {
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "${SCRIPT}" >/dev/null && ${fn} >&2 && for v in ${ENGINE_VARS.join(' ')}; do echo "$v=\${!v}"; done`,
    ],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
  )
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  ) as EngineEnv
}

describe.skipIf(NO_ENGINE)(`the Docker engine restarted under running replicas${SKIP_REASON}`, () => {
  let engineEnv: EngineEnv | undefined
  let engine: Engine
  let baton: Baton | undefined
  const outerHost = process.env.DOCKER_HOST

  beforeAll(async () => {
    engineEnv = dockerd('baton_dockerd_start')
    engine = connectEngine(engineEnv.DOCKER_HOST)
    await buildExampleImages(engine, { nodeBinary: process.execPath, nodeVersion: process.version })
    // The daemon the harness starts reads DOCKER_HOST from this environment.
    process.env.DOCKER_HOST = engineEnv.DOCKER_HOST
    baton = await startBaton({ runtime: 'docker' })
  }, 300_000)

  afterAll(async () => {
    const dataDir = baton?.dataDir
    await baton?.stop().catch(() => undefined)
    if (dataDir) await removeOwned(engine, dataDir).catch(() => undefined)
    if (engineEnv) dockerd('baton_dockerd_stop', engineEnv)
    process.env.DOCKER_HOST = outerHost
  }, 180_000)

  it('restarts each container once, with events naming the engine, and never runs a replica twice', async () => {
    const b = baton as Baton
    await b.apply(webManifest({ servicePort: b.servicePort, replicas: 2, image: 'web:v1' }))
    expectOk(
      'rollout status',
      await b.cli(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 150_000 }),
    )
    const running = async () =>
      (await engine.listContainers({ filters: { label: [`baton.owner=${b.dataDir}`], status: ['running'] } })).length
    expect(await running()).toBe(2)
    const restarts = async () => {
      const out = expectOk(
        'get pods',
        await b.cli(['get', 'pods', '-o', 'jsonpath={.items[*].status.containerStatuses[0].restartCount}']),
      ).stdout
      return out.split(' ').map(Number)
    }
    // [0, 0] on the first attempt; a retry (P16) counts from what its failed attempt's restart left.
    const once = (await restarts()).map((n) => n + 1)

    engineEnv = dockerd('baton_dockerd_restart', engineEnv)
    engine = connectEngine(engineEnv.DOCKER_HOST)

    await expect.poll(restarts, { timeout: 120_000, interval: 500 }).toEqual(once)
    expectOk(
      'wait',
      await b.cli(['wait', '--for=condition=Available', 'deployment/web', '--timeout=120s'], { timeoutMs: 150_000 }),
    )
    expect(await running()).toBe(2)
    const events = expectOk('get events', await b.cli(['get', 'events'])).stdout
    expect(events, events).toMatch(/ContainerStoppedByEngine|EngineUnreachable/)
    // Stays at two: nothing started a third.
    await new Promise((r) => setTimeout(r, 3000))
    expect(await running()).toBe(2)
    expect(await restarts()).toEqual(once)
  }, 400_000)
})
