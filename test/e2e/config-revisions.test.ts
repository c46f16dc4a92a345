/**
 * Config as part of a revision (docs/config-revisions.md), end to end: a Deployment of the
 * example app reads its APP_VERSION (what it answers) from a ConfigMap and a token from a
 * Secret. Changing the ConfigMap and the Secret rolls the Deployment under `baton verify` with
 * no failed request; `rollout history --revision=2` shows the config diff with the Secret
 * masked; `rollout undo`, also under load, brings back the old value as the app answers it,
 * and it stays back; so does the real kubectl's `rollout undo`.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments, stringify } from 'yaml'
import { type Baton, expectOk, startBaton } from './support/baton.ts'
import { kubeTools, toolOk } from './support/kube-tools.ts'
import { webManifest } from './support/manifests.ts'
import { SERVICE_PORTS } from './support/ports.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 200
const BLUE_TOKEN = 'tok-blue-3f9a1c'
const GREEN_TOKEN = 'tok-green-77d2e0'

let baton: Baton

beforeAll(async () => {
  baton = await startBaton({ servicePort: SERVICE_PORTS.configRevisions })
}, 60_000)

afterAll(async () => {
  await baton?.stop()
}, 60_000)

function config(version: string, token: string): string {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { version } }
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-secret' }, stringData: { token } }
  return `${stringify(cm)}---\n${stringify(secret)}`
}

/** The example Deployment whose app answers the ConfigMap's version and gets the Secret's token. */
function deployment(): string {
  const docs = parseAllDocuments(
    webManifest({ servicePort: baton.servicePort, replicas: 4, maxSurge: 1, maxUnavailable: 0 }),
  ).map((d) => d.toJSON())
  const container = docs[0].spec.template.spec.containers[0]
  container.env.push(
    { name: 'APP_VERSION', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'version' } } },
    { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token' } } },
  )
  return docs.map((d) => stringify(d)).join('---\n')
}

/** What the app answers on 20 requests (the load balancer spreads them over every replica). */
async function answers(): Promise<Set<string>> {
  const seen = new Set<string>()
  for (let i = 0; i < 20; i++) seen.add((await (await fetch(baton.url('/'))).text()).trim())
  return seen
}

async function generation(): Promise<number> {
  const r = expectOk('get', await baton.cli(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.generation}']))
  return Number(r.stdout.trim())
}

/** A shell line: `step`, then wait (bounded) until the Deployment's generation passes `from`, then rollout status. */
function thenRollsOut(step: string, from: number): string[] {
  const gen = baton.shellLine([['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.generation}']])
  const wait = `i=0; until [ "$(${gen})" -gt ${from} ]; do i=$((i+1)); [ $i -gt 100 ] && exit 9; sleep 0.2; done`
  const status = baton.shellLine([['rollout', 'status', 'deployment/web', '--timeout', '90s']])
  return ['sh', '-c', `${step} && ${wait} && ${status}`]
}

/** The revision numbers `rollout history` lists, oldest first. */
async function revisions(): Promise<number[]> {
  const r = expectOk('history', await baton.cli(['rollout', 'history', 'deployment/web']))
  return [...r.stdout.matchAll(/^(\d+) /gm)].map((m) => Number(m[1]))
}

/** Waits until the app answers only `version`, then for the rollout to finish. */
async function answersOnly(version: string): Promise<void> {
  await expect.poll(answers, { timeout: 90_000, interval: 500 }).toEqual(new Set([version]))
  expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '90s']))
}

async function underLoad(name: string, command: string[]) {
  const run = await runVerify(baton, { rate: RATE, keepAlive: true, rawCommand: command, deployment: 'web' })
  console.log(describeRun(name, run.report))
  expect(run.report.failures, run.stderr).toEqual([])
  expect(run.report.failed).toBe(0)
  expect(run.code, run.stderr).toBe(0)
  expect(run.report.total).toBeGreaterThanOrEqual(RATE * 2)
  return run.report
}

describe('config is part of a revision', () => {
  it('runs revision 1 with the ConfigMap it was applied with', async () => {
    await baton.apply(config('blue', BLUE_TOKEN))
    await baton.apply(deployment())
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '90s']))
    expect(await answers()).toEqual(new Set(['blue']))
  }, 120_000)

  it('rolls a ConfigMap and Secret change like an image change, with no failed request', async () => {
    // A retry (P16) may find green applied by its failed attempt: blue first, as the case before left it.
    if ((await answers()).has('green')) {
      await baton.apply(config('blue', BLUE_TOKEN))
      await answersOnly('blue')
    }
    const file = join(baton.dataDir, 'config-green.yaml')
    await writeFile(file, config('green', GREEN_TOKEN))
    const from = await generation()
    const report = await underLoad('config change', thenRollsOut(baton.shellLine([['apply', '-f', file]]), from))
    expect(Object.keys(report.versions).sort()).toEqual(['blue', 'green'])
    expect(await answers()).toEqual(new Set(['green']))
    const rs = expectOk('get rs', await baton.cli(['get', 'rs', '-o', 'jsonpath={.items[*].spec.replicas}']))
    expect(rs.stdout.trim().split(' ').sort()).toEqual(['0', '4'])
  }, 180_000)

  it('shows the config of a revision and its diff, Secret values masked', async () => {
    // Green's revision and blue's before it: 2 and 1, or 4 and 3 when the case before was
    // retried (P16) and put blue back first.
    const [previous, latest] = (await revisions()).slice(-2)
    const r = expectOk('history', await baton.cli(['rollout', 'history', 'deployment/web', `--revision=${latest}`]))
    console.log(r.stdout)
    expect(r.stdout).toMatch(/^Config: {2}snapshot web-config-[a-z0-9]+$/m)
    expect(r.stdout).toContain('    version: "green"')
    expect(r.stdout).toContain(`Config changes since revision ${previous}:`)
    expect(r.stdout).toContain('    - version: "blue"\n    + version: "green"')
    expect(r.stdout).toContain('    ~ token: <masked> (changed)')
    for (const secret of [BLUE_TOKEN, GREEN_TOKEN, btoa(BLUE_TOKEN), btoa(GREEN_TOKEN)])
      expect(r.stdout).not.toContain(secret)
  }, 60_000)

  it('undo restores the config revision 1 ran with, under load, and keeps it', async () => {
    // A retry (P16) may find blue back from its failed attempt's undo: undo that first.
    if ((await answers()).has('blue')) {
      expectOk('undo', await baton.cli(['rollout', 'undo', 'deployment/web']))
      await answersOnly('green')
    }
    const from = await generation()
    const undo = baton.shellLine([['rollout', 'undo', 'deployment/web']])
    await underLoad('undo', thenRollsOut(undo, from))
    expect(await answers()).toEqual(new Set(['blue']))
    // The live ConfigMap still says green: the old replicas read the revision's snapshot.
    const cm = expectOk('get cm', await baton.cli(['get', 'configmap', 'web-config', '-o', 'jsonpath={.data.version}']))
    expect(cm.stdout.trim()).toBe('green')
    // Only the undo changed the template: the controller, which acts within milliseconds of
    // it, did not roll forward to the live data during the seconds the rollout took.
    expect(await generation()).toBe(from + 1)
  }, 180_000)

  it("the real kubectl's rollout undo restores the previous revision's config as well", async () => {
    const { kubectl } = kubeTools()
    // What runs now (blue) is what the undo must bring back. A new value for the live ConfigMap:
    // red, unless a failed attempt (P16) left red there already, when the same apply would roll nothing.
    const before = await answers()
    const live = expectOk(
      'get cm',
      await baton.cli(['get', 'configmap', 'web-config', '-o', 'jsonpath={.data.version}']),
    )
    const value = live.stdout.trim() === 'red' ? 'purple' : 'red'
    await baton.apply(config(value, GREEN_TOKEN))
    await answersOnly(value)
    const from = await generation()
    expect(await toolOk(kubectl, ['rollout', 'undo', 'deployment/web'], baton.dataDir, 30_000)).toBe(
      'deployment.apps/web rolled back\n',
    )
    await expect.poll(generation, { timeout: 30_000 }).toBe(from + 1)
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/web', '--timeout', '90s']))
    expect(await answers()).toEqual(before)
    expect(await generation()).toBe(from + 1)
  }, 240_000)
})
