/**
 * Issue 17, analysis args from a Secret, with the real daemon: a canary's web analysis sends
 * `Authorization: Bearer {{args.token}}`, the token an AnalysisTemplate arg read from a Secret
 * (`valueFrom.secretKeyRef`), to a loopback check server this file starts, which answers ok
 * only to the right token and echoes what it was sent. Without the Secret the run ends Error
 * naming it and the Rollout aborts; once the Secret is created, `rollout retry` makes a run
 * that reads it and the canary is promoted. With a wrong token the analysis fails and the
 * Rollout aborts, and the token sent is in neither `get analysisrun -o yaml` (masked `*****`,
 * though the check echoed it into the measurement) nor the events nor the daemon's log.
 */
import { type Server, createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { Rollout } from '../../src/api/types.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { webRolloutManifest } from './support/manifests.ts'
import { SERVICE_PORTS, freePort } from './support/ports.ts'

const RIGHT = 'right-token-7c1f'
const WRONG = 'wrong-token-93ab'

let baton: Baton
let check: Server
let checkPort: number
/** The Authorization headers the check server was sent, in order. */
const seen: string[] = []

function manifests(image: string): string {
  const template = stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'auth' },
    spec: {
      args: [{ name: 'port' }, { name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
      metrics: [
        {
          name: 'authorized',
          successCondition: 'result.ok == true',
          provider: {
            web: {
              url: 'http://127.0.0.1:{{args.port}}/check',
              headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
              timeoutSeconds: 5,
            },
          },
        },
      ],
    },
  })
  const rollout = webRolloutManifest({
    replicas: 2,
    image,
    strategy: {
      canary: {
        abortScaleDownDelaySeconds: 0,
        steps: [
          { setWeight: 50 },
          {
            analysis: {
              templates: [{ templateName: 'auth' }],
              args: [{ name: 'port', value: String(checkPort) }],
            },
          },
        ],
      },
    },
    services: { web: baton.servicePort },
  })
  return `${template}---\n${rollout}`
}

async function rollout(): Promise<Rollout> {
  return JSON.parse(expectOk('get rollout', await baton.cli(['get', 'rollout', 'web', '-o', 'json'])).stdout) as Rollout
}

async function putSecret(token: string | undefined): Promise<void> {
  expectOk('delete secret', await baton.cli(['delete', 'secret', 'api', '--ignore-not-found']))
  if (token !== undefined) {
    expectOk('create secret', await baton.cli(['create', 'secret', 'generic', 'api', `--from-literal=token=${token}`]))
  }
}

/**
 * The Rollout at web:v1 and Healthy, from none: each case starts here, so a retry (P16) starts
 * from the same state as the first attempt whatever that one left.
 */
async function freshRollout(): Promise<void> {
  expectOk('delete', await baton.cli(['delete', 'rollout', 'web', '--ignore-not-found']))
  // Its ReplicaSets, pods and runs go with it; the new Rollout's would take the same names.
  await expect
    .poll(async () => expectOk('get', await baton.cli(['get', 'rs,pods,analysisruns', '-o', 'name'])).stdout.trim(), {
      timeout: 60_000,
      interval: 500,
    })
    .toBe('')
  await baton.apply(manifests('web:v1'))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
}

/** Polls until the Rollout is aborted; returns its status message. */
async function aborted(): Promise<string> {
  await expect.poll(async () => (await rollout()).status?.abort === true, { timeout: 90_000, interval: 500 }).toBe(true)
  return (await rollout()).status?.message ?? ''
}

beforeAll(async () => {
  check = createServer((req, res) => {
    const auth = req.headers.authorization ?? ''
    seen.push(auth)
    res.setHeader('content-type', 'application/json')
    // Echoes what it was sent: were the run not masking it, the token would be in the measurement.
    res.end(JSON.stringify(auth === `Bearer ${RIGHT}` ? { ok: true } : { ok: false, saw: auth }))
  })
  checkPort = await freePort()
  await new Promise<void>((resolve) => check.listen(checkPort, '127.0.0.1', resolve))
  baton = await startBaton({ servicePort: SERVICE_PORTS.rolloutAnalysisSecret })
}, 120_000)

afterAll(async () => {
  await baton?.stop()
  await new Promise((resolve) => (check ? check.close(resolve) : resolve(undefined)))
}, 60_000)

describe('an analysis arg read from a Secret, with the real daemon', () => {
  it('without the Secret the run ends Error naming it; once created, a retried run sends it and the canary is promoted', async () => {
    await putSecret(undefined)
    await freshRollout()
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', 'web=web:v2']))
    expect(await aborted()).toContain('secrets "api" not found')

    await putSecret(RIGHT)
    const before = seen.length
    expectOk('retry', await baton.cli(['rollout', 'retry', 'rollout/web']))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'rollout/web', '--timeout', '90s']))
    const st = (await rollout()).status!
    expect(st.phase).toBe('Healthy')
    expect(st.stableRS).toBe(st.currentPodHash)
    expect(seen.slice(before)).toContain(`Bearer ${RIGHT}`)
    // The run holds the Secret's name and the placeholder, never the value.
    const yaml = expectOk('get', await baton.cli(['get', 'analysisruns', '-o', 'yaml'])).stdout
    expect(yaml).toContain('secretKeyRef')
    expect(yaml).toContain('Bearer {{args.token}}')
    expect(yaml).not.toContain(RIGHT)
  }, 300_000)

  it('a wrong token fails the analysis: aborted, and the token is masked wherever the run says it', async () => {
    await putSecret(WRONG)
    await freshRollout()
    const before = seen.length
    expectOk('set image', await baton.cli(['set', 'image', 'rollout/web', 'web=web:v2']))
    expect(await aborted()).toContain('assessed Failed')
    expect(seen.slice(before)).toContain(`Bearer ${WRONG}`)
    const status = await baton.cli(['rollout', 'status', 'rollout/web', '--watch=false'])
    expect(status.code).toBe(3)

    const yaml = expectOk('get', await baton.cli(['get', 'analysisruns', '-o', 'yaml'])).stdout
    // The check echoed the header it was sent; the measurement stores it masked.
    expect(yaml).toContain('Bearer *****')
    expect(yaml).not.toContain(WRONG)
    const wide = expectOk('get', await baton.cli(['get', 'analysisruns', '-o', 'wide'])).stdout
    expect(wide).toContain('Failed')
    expect(wide).not.toContain(WRONG)
    const events = expectOk('events', await baton.cli(['get', 'events', '-o', 'yaml'])).stdout
    expect(events).toContain('RolloutAborted')
    expect(events).not.toContain(WRONG)
    const log = await readFile(join(baton.dataDir, 'daemon.log'), 'utf8')
    expect(log.length).toBeGreaterThan(0)
    expect(log).not.toContain(WRONG)
  }, 300_000)
})
