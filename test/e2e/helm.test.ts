/**
 * The real Helm v4 (kube-tools.ts) drives a real daemon through a release's life with the
 * example app's chart (examples/helm/web, a Deployment and a Service): `install --wait`,
 * `upgrade` to a new image and env under `baton verify`'s load through the load balancer (0
 * failed requests), `history`, `rollback`, `status`, `uninstall` (objects and pods gone).
 * Helm 4 writes every object with server-side apply and keeps its releases in Secrets
 * (docs/helm.md); each step checks the objects it left behind through Baton's API.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Baton, REPO_ROOT, startBaton } from './support/baton.ts'
import { kubeTools, runTool, toolOk } from './support/kube-tools.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const kubectl = kubeTools().kubectl
const CHART = join(REPO_ROOT, 'examples', 'helm', 'web')
const RATE = 300
const helm = kubeTools().helm

let baton: Baton
let env: Record<string, string>

beforeAll(async () => {
  baton = await startBaton({})
  // The daemon's own kubeconfig (HTTPS, its CA, the token); Helm's caches under HOME.
  env = { PATH: process.env.PATH ?? '', HOME: baton.dataDir, KUBECONFIG: join(baton.dataDir, 'kubeconfig') }
}, 120_000)

afterAll(async () => {
  await baton?.stop()
}, 120_000)

const run = (args: string[], bin = helm) => runTool(bin, args, baton.dataDir, 150_000)
const ok = (args: string[]) => toolOk(helm, args, baton.dataDir, 150_000)

interface Listed {
  items: Array<{
    metadata: { name: string; labels?: Record<string, string> }
    spec?: {
      template: {
        spec: {
          serviceAccountName?: string
          containers: Array<{ image: string; env?: Array<{ name: string; value?: string }> }>
        }
      }
    }
    status?: { availableReplicas?: number; updatedReplicas?: number }
    type?: string
    data?: Record<string, string>
  }>
}

async function list(path: string): Promise<Listed['items']> {
  const res = await baton.api(path)
  expect(res.status, path).toBe(200)
  return ((await res.json()) as Listed).items
}

const deployment = async () => (await list('/apis/apps/v1/namespaces/default/deployments'))[0]
const releases = () => list('/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm%2Cname%3Dweb')
const answer = async () => (await (await fetch(baton.url('/'))).text()).trim()
const values = () => ['--set', `service.port=${baton.servicePort}`]

// No retry (P16): each case is the next step in one release's life (install, upgrade, history,
// rollback, uninstall, revisions 1 to 3): a retried step would find itself already done.
describe('the real Helm 4 against Baton', { retry: 0 }, () => {
  it('installs the chart and waits for it', async () => {
    const out = await ok(['install', 'web', CHART, ...values(), '--wait', '--timeout', '120s'])
    expect(out).toMatch(/STATUS: deployed\nREVISION: 1\n/)
    const d = await deployment()
    expect(d?.metadata.name).toBe('web')
    expect(d?.status?.availableReplicas).toBe(3)
    expect(d?.spec?.template.spec.containers[0]?.image).toBe('web:v1')
    expect(await answer()).toBe('v1')
    // The release itself, in a Secret of Helm's type, labelled as Helm lists it.
    const stored = await releases()
    expect(stored.map((s) => [s.metadata.name, s.type, s.metadata.labels?.status])).toEqual([
      ['sh.helm.release.v1.web.v1', 'helm.sh/release.v1', 'deployed'],
    ])
    // The chart's, beside the namespace's own `default`.
    expect((await list('/api/v1/namespaces/default/serviceaccounts')).map((sa) => sa.metadata.name)).toEqual([
      'default',
      'web',
    ])
    // The pods name the chart's ServiceAccount and read the chart's Secret (envFrom): available means both resolved.
    expect(d?.spec?.template.spec.serviceAccountName).toBe('web')
    const settings = (await list('/api/v1/namespaces/default/secrets')).filter(
      (s) => s.metadata.name === 'web-settings',
    )
    expect(settings.map((s) => s.data)).toEqual([{ DRAIN_TIMEOUT_MS: Buffer.from('5000').toString('base64') }])
  }, 180_000)

  it('upgrades to a new image and env under load with no failed request', async () => {
    const upgrade = [helm, 'upgrade', 'web', CHART, ...values(), '--set', 'image=web:v2', '--set', 'appVersion=v2-helm']
    const verify = await runVerify(baton, {
      rate: RATE,
      keepAlive: true,
      rawCommand: [
        'env',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        ...upgrade,
        '--wait',
        '--timeout',
        '120s',
      ],
      deployment: 'web',
      duration: '120s',
    })
    console.log(describeRun('helm upgrade', verify.report))
    expect(verify.code, verify.stderr).toBe(0)
    expect(verify.report.failed).toBe(0)
    expect(verify.report.total).toBeGreaterThanOrEqual(600)
    expect(verify.report.total / (verify.report.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
    // Both versions answered during the rollout, and the new one at the end.
    expect(Object.keys(verify.report.versions)).toEqual(expect.arrayContaining(['v1', 'v2-helm']))
    const c = (await deployment())?.spec?.template.spec.containers[0]
    expect(c?.image).toBe('web:v2')
    expect(c?.env).toContainEqual({ name: 'APP_VERSION', value: 'v2-helm' })
    expect(await answer()).toBe('v2-helm')
  }, 200_000)

  it('lists the history', async () => {
    expect(await ok(['history', 'web'])).toMatch(
      /^REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s+DESCRIPTION\s*\n1\s.*superseded\s+web-0\.1\.0\s+v1\s+Install complete\s*\n2\s.*deployed\s+web-0\.1\.0\s+v1\s+Upgrade complete\s*\n$/,
    )
    expect((await releases()).map((s) => s.metadata.labels?.status)).toEqual(['superseded', 'deployed'])
  })

  it('rolls back to revision 1: the image back and the env it did not have removed', async () => {
    expect(await ok(['rollback', 'web', '1', '--wait', '--timeout', '120s'])).toContain('Rollback was a success!')
    const c = (await deployment())?.spec?.template.spec.containers[0]
    expect(c?.image).toBe('web:v1')
    // Server-side apply removes what Helm applied in revision 2 and no longer applies.
    expect(c?.env?.map((e) => e.name)).toEqual(['STARTUP_DELAY_MS'])
    await expect.poll(answer, { timeout: 60_000 }).toBe('v1')
    expect(await ok(['history', 'web'])).toMatch(/\n3\s.*deployed\s+web-0\.1\.0\s+v1\s+Rollback to 1\s*\n$/)
    expect(await ok(['status', 'web'])).toMatch(/STATUS: deployed\nREVISION: 3\n/)
  }, 180_000)

  it('uninstalls: the Deployment, the Service, the release Secrets and every pod gone', async () => {
    expect(await ok(['uninstall', 'web', '--wait', '--timeout', '120s'])).toContain('release "web" uninstalled')
    expect(await list('/apis/apps/v1/namespaces/default/deployments')).toEqual([])
    expect(await list('/api/v1/namespaces/default/services')).toEqual([])
    expect((await list('/api/v1/namespaces/default/serviceaccounts')).map((sa) => sa.metadata.name)).toEqual([
      'default',
    ])
    expect(await list('/api/v1/namespaces/default/secrets')).toEqual([])
    await expect.poll(async () => (await list('/api/v1/namespaces/default/pods')).length, { timeout: 90_000 }).toBe(0)
    const r = await run(['status', 'web'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('release: not found')
  }, 180_000)

  it('installs into a namespace it creates (--create-namespace); kubectl delete namespace takes the release with it', async () => {
    const install = [
      'install',
      'web',
      CHART,
      ...values(),
      '-n',
      'team',
      '--create-namespace',
      '--wait',
      '--timeout',
      '120s',
    ]
    expect(await ok(install)).toMatch(/NAMESPACE: team\nSTATUS: deployed\n/)
    expect(await run(['get', 'namespace', 'team', '-o', 'jsonpath={.status.phase}'], kubectl)).toMatchObject({
      code: 0,
      stdout: 'Active',
    })
    expect((await list('/apis/apps/v1/namespaces/team/deployments'))[0]?.status?.availableReplicas).toBe(3)
    await expect.poll(answer, { timeout: 60_000 }).toBe('v1')
    const deleted = await run(['delete', 'namespace', 'team', '--timeout=120s'], kubectl)
    expect(deleted).toMatchObject({ code: 0, stdout: 'namespace "team" deleted\n' })
    expect((await baton.api('/api/v1/namespaces/team')).status).toBe(404)
    for (const kind of ['pods', 'services', 'secrets', 'serviceaccounts'])
      expect(await list(`/api/v1/namespaces/team/${kind}`)).toEqual([])
    const r = await run(['status', 'web', '-n', 'team'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('release: not found')
  }, 240_000)

  it('serves kubectl apply --server-side the same way: a conflict between managers, then --force-conflicts', async () => {
    const file = (value: string) => {
      const path = join(baton.dataDir, `cfg-${value}.yaml`)
      writeFileSync(path, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  level: "${value}"\n`)
      return path
    }
    const apply = (args: string[]) => run(['apply', '--server-side', ...args], kubectl)
    expect((await apply(['-f', file('1')])).stdout).toBe('configmap/cfg serverside-applied\n')
    expect((await apply(['-f', file('1')])).stdout).toBe('configmap/cfg serverside-applied\n')
    const conflict = await apply(['--field-manager=ops', '-f', file('2')])
    expect(conflict.code).toBe(1)
    expect(conflict.stderr).toContain('conflict with "kubectl": .data.level')
    const cm = async () =>
      (
        (await (await baton.api('/api/v1/namespaces/default/configmaps/cfg')).json()) as {
          data: Record<string, string>
        }
      ).data
    expect(await cm()).toEqual({ level: '1' })
    expect((await apply(['--field-manager=ops', '--force-conflicts', '-f', file('2')])).code).toBe(0)
    expect(await cm()).toEqual({ level: '2' })
  }, 60_000)
})
