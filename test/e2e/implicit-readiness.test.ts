/**
 * Issue 13.2's claim, end to end: seed 002's Deployment, which has no readinessProbe, rolls
 * under 300 requests/s without a failed request, because the node agent gates each replica's
 * readiness on its port accepting connections (api/implicit-readiness.ts). The app listens only
 * 1.5 s after it starts, as a real app that loads before it serves: without the gate, the load
 * balancer would route to each new replica during that time (seed 002 lost 34 of 506 requests
 * so on a cluster).
 *
 * The manifests are the seed's (test/fixtures/seeds/002-1.yaml and 002-2.yaml) with the only
 * changes a one-node process runtime needs: a command (artifacts carry no default command yet)
 * and the Service on a free port instead of 80.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadManifests } from '../../src/api/manifest.ts'
import type { Deployment, Service } from '../../src/api/types.ts'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'
import { SERVICE_PORTS } from './support/ports.ts'
import { describeRun, runVerify } from './support/verify-run.ts'

const RATE = 300
const LISTEN_AFTER_MS = 1500

// Listens only after LISTEN_AFTER_MS; on SIGTERM stops accepting and exits once idle.
const APP = `const http = require('node:http')
const version = require('node:fs').readFileSync(__dirname + '/version.txt', 'utf8').trim()
const server = http.createServer((req, res) => res.writeHead(200, { 'x-app-version': version }).end(version + '\\n'))
setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), ${LISTEN_AFTER_MS})
process.on('SIGTERM', () => {
  server.close(() => process.exit(0))
  server.closeIdleConnections()
  setTimeout(() => process.exit(0), 5000).unref()
})
`

let baton: Baton
let appDir: string

async function appVersion(version: string): Promise<string> {
  const dir = join(appDir, version)
  await mkdir(dir)
  await writeFile(join(dir, 'app.js'), APP)
  await writeFile(join(dir, 'version.txt'), `${version}\n`)
  return dir
}

const seed = async (n: number) => loadManifests(join(REPO_ROOT, 'test', 'fixtures', 'seeds', `002-${n}.yaml`))

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'baton-e2e-app-'))
  const images = { 'bebullish/demo:v1': await appVersion('v1'), 'bebullish/demo:v2': await appVersion('v2') }
  baton = await startBaton({ servicePort: SERVICE_PORTS.implicitReadiness, images })
}, 90_000)

afterAll(async () => {
  await baton?.stop()
  if (appDir) await rm(appDir, { recursive: true, force: true })
}, 60_000)

describe('seed 002: a Deployment without a readinessProbe rolls with zero downtime', () => {
  it(`rolls v1 -> v2 at ${RATE} requests/s with no failed request`, async () => {
    const [deployment] = (await seed(1)) as [Deployment]
    const [service] = (await seed(2)) as [Service]
    const container = deployment.spec.template.spec.containers[0]!
    expect(container.readinessProbe).toBeUndefined()
    container.command = [process.execPath, 'app.js']
    service.spec.ports[0]!.port = baton.servicePort
    await baton.apply([deployment, service].map((o) => JSON.stringify(o)).join('\n---\n'))
    expectOk('rollout status', await baton.cli(['rollout', 'status', 'deployment/demo-dp', '--timeout', '90s']))

    const run = await runVerify(baton, {
      rate: RATE,
      keepAlive: false,
      deployment: 'demo-dp',
      command: ['set', 'image', 'deployment/demo-dp', 'demo=bebullish/demo:v2'],
    })
    console.log(describeRun('seed 002, implicit readiness gate', run.report))
    expect(run.report.failures, run.stderr).toEqual([])
    expect(run.report.failed).toBe(0)
    expect(run.code).toBe(0)
    expect(Object.keys(run.report.versions)).toEqual(['v1', 'v2'])
    expect(run.report.total).toBeGreaterThanOrEqual(600)
    expect(run.report.total / (run.report.durationMs / 1000)).toBeGreaterThan(RATE * 0.9)
  }, 180_000)
})
