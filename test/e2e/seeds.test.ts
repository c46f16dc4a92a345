/**
 * The seed tutorials' commands, run as written against one daemon (docs/seeds.md says, for every
 * manifest and command of seeds 000–004, whether it runs as written, where it is tested, or
 * why it is refused). `kubectl` becomes `baton`; what must differ on a shared machine is a
 * Service's port (a free one instead of 5001). The images are pushed as artifacts: busybox's
 * commands (`sleep`, `sh`, `cat`) are the machine's own, so any directory serves as the
 * artifact; the seed 004 web app is the example app (examples/web), which needs a command.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { isolationOf } from '../../src/runtime/process/mount-namespace.ts'
import { DEFAULT_IMAGES, expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'

let baton: Baton
let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'baton-seeds-'))
  await writeFile(join(scratch, 'README'), 'busybox stand-in: the commands are the machine’s\n')
  baton = await startBaton({
    images: {
      'busybox:1.28': scratch,
      'busybox:1.28.4': scratch,
      'busybox:1.29': scratch,
      'octopusdeploy/rolling-deploy-web-example:0.0.1': DEFAULT_IMAGES['web:v1']!,
      'octopusdeploy/rolling-deploy-web-example:0.0.2': DEFAULT_IMAGES['web:v2']!,
    },
  })
}, 180_000)
afterAll(async () => {
  await baton?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
}, 120_000)

/** Whether replicas get a scratch root and volumes here (a root daemon with overlayfs, docs/isolation.md). */
const scratchRoot = () => process.getuid?.() === 0 && isolationOf(scratch) === 'root'

const run = (line: string) => baton.cli(line.split(/\s+/).filter(Boolean), { timeoutMs: 150_000 })
const ok = async (line: string) => expectOk(`baton ${line}`, await run(line)).stdout
const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'seeds', `${name}.yaml`)

/**
 * What a failed attempt of the case left (vitest's retry, docs/conventions.md P16) deleted, and
 * its ReplicaSets and pods gone, so that the retry's create says "created" again.
 */
async function deleteLeftovers(what: string, app: string): Promise<void> {
  await ok(`delete ${what} --ignore-not-found`)
  await expect
    .poll(async () => (await ok(`get rs,pods -l app=${app} -o name`)).trim(), { timeout: 120_000, interval: 500 })
    .toBe('')
}

describe('seed 001: update busybox 1.28.4 -> 1.29 on 10 replicas, then roll back', () => {
  it('runs the walk-through: run (refused --replicas), create, set image, status, undo, undo --to-revision', async () => {
    await deleteLeftovers('deployment busy', 'busy')
    // kubectl run lost --replicas in v1.18; baton refuses it with kubectl's words.
    const legacy = await run('run busy --image=busybox:1.28.4 --replicas=10 -- sleep 36000000')
    expect(legacy.code).not.toBe(0)
    expect(legacy.stderr).toMatch(/replicas/)
    expect(await ok('create deployment busy --image=busybox:1.28.4 --replicas=10 -- sleep 36000000')).toBe(
      'deployment.apps/busy created\n',
    )
    await ok('rollout status deployments/busy --timeout=120s')
    expect(await ok('get deploy busy')).toMatch(/^busy\s+10\/10\s+10\s+10\s+/m)
    const container = (await ok('get deploy busy -o jsonpath={.spec.template.spec.containers[0].name}')).trim()
    expect(await ok(`set image deployments/busy ${container}=busybox:1.29`)).toBe(
      'deployment.apps/busy image updated\n',
    )
    expect(await ok('rollout status deployments/busy --timeout=120s')).toContain(
      'deployment "busy" successfully rolled out',
    )
    const pod = (await ok('get pods -l app=busy -o jsonpath={.items[0].metadata.name}')).trim()
    expect(await ok(`describe pod ${pod}`)).toMatch(/Image:\s+busybox:1\.29/)
    expect(await ok('rollout undo deployments/busy')).toBe('deployment.apps/busy rolled back\n')
    await ok('rollout status deployments/busy --timeout=120s')
    expect(await ok('get deploy busy -o yaml')).toMatch(/image: busybox:1\.28\.4/)
    // The undo moved 1.28.4's template to revision 3; 1.29's is still revision 2.
    expect(await ok('rollout history deployment/busy')).toMatch(/^2 .*\n3 /m)
    expect(await ok('rollout undo deploy busy --to-revision=2')).toBe('deployment.apps/busy rolled back\n')
    await ok('rollout status deployment/busy --timeout=120s')
    const described = await ok('describe deploy busy')
    expect(described).toMatch(/Image:\s+busybox:1\.29/)
    expect(described).toMatch(/ScalingReplicaSet/)
    await ok('delete deployment busy')
  }, 600_000)
})

describe('seed 004: the Octopus walk-through on MicroK8s', () => {
  it('create, expose, scale, set image --record, status/history/undo by TYPE.VERSION.GROUP, delete services,deployment', async () => {
    const name = 'rollingdeploy-microk8s'
    const image = 'octopusdeploy/rolling-deploy-web-example'
    await deleteLeftovers(`services,deployment ${name}`, name)
    // The image has a CMD; an artifact has none, so the command follows `--` (docs/seeds.md).
    expect(await ok(`create deployment ${name} --image=${image}:0.0.1 --port=5001 -- node server.js`)).toBe(
      `deployment.apps/${name} created\n`,
    )
    const port = baton.servicePort
    expect(await ok(`expose deployment ${name} --type=NodePort --port=${port} --target-port=5001`)).toBe(
      `service/${name} exposed\n`,
    )
    expect(await ok(`scale -n default deployment ${name} --replicas=3`)).toBe(`deployment.apps/${name} scaled\n`)
    await ok(`rollout status deployment.v1.apps/${name} --timeout=120s`)
    expect((await ok('get pod')).split('\n').filter((l) => l.startsWith(`${name}-`))).toHaveLength(3)
    expect(await ok(`get service ${name}`)).toMatch(new RegExp(`^${name}\\s+NodePort\\s+`, 'm'))
    expect(await (await fetch(baton.url('/'))).text()).toContain('v1')
    expect(await ok(`set image deployment/${name} rolling-deploy-web-example=${image}:0.0.2 --record`)).toBe(
      `deployment.apps/${name} image updated\n`,
    )
    expect(await ok(`rollout status deployment.v1.apps/${name} --timeout=120s`)).toContain('successfully rolled out')
    expect(await (await fetch(baton.url('/'))).text()).toContain('v2')
    const history = await ok(`rollout history deployment.v1.apps/${name}`)
    expect(history).toMatch(/^2\s+.*set image deployment\/rollingdeploy-microk8s/m)
    expect(await ok(`rollout undo deployment.v1.apps/${name}`)).toBe(`deployment.apps/${name} rolled back\n`)
    await ok(`rollout status deployment.v1.apps/${name} --timeout=120s`)
    expect(await ok(`rollout undo deployment.v1.apps/${name} --to-revision=2`)).toBe(
      `deployment.apps/${name} rolled back\n`,
    )
    await ok(`rollout status deployment.v1.apps/${name} --timeout=120s`)
    expect(await ok('describe deployment')).toMatch(/Image:\s+octopusdeploy\/rolling-deploy-web-example:0\.0\.2/)
    expect(await ok(`delete services,deployment ${name} -n default`)).toBe(
      `service "${name}" deleted\ndeployment.apps "${name}" deleted\n`,
    )
  }, 600_000)
})

describe('seed 000: the readiness gate example and the two-container manifest', () => {
  it('busybox with an exec readiness probe on /tmp/healthy: Running, not Ready, and the rollout waits', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'busybox' },
      spec: {
        selector: { matchLabels: { app: 'busybox' } },
        // The seed's fragment from here on, verbatim.
        replicas: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'busybox' } },
          spec: {
            containers: [
              {
                name: 'busybox',
                image: 'busybox:1.28',
                command: ['sh', '-c', 'sleep 3600'],
                readinessProbe: {
                  exec: { command: ['cat', '/tmp/healthy'] },
                  initialDelaySeconds: 5,
                  periodSeconds: 5,
                },
              },
            ],
          },
        },
      },
    }
    await baton.apply(JSON.stringify(manifest))
    await expect
      .poll(async () => (await ok('get pods -l app=busybox -o jsonpath={.items[*].status.phase}')).trim(), {
        timeout: 60_000,
        interval: 500,
      })
      .toBe('Running Running Running')
    // Nothing writes /tmp/healthy, so, as on Kubernetes, no replica becomes ready.
    const status = await run('rollout status deployment/busybox --timeout=8s')
    expect(status.code).not.toBe(0)
    expect(await ok('get deploy busybox')).toMatch(/^busybox\s+0\/3\s+3\s+0\s+/m)
    await ok('delete deployment busybox')
  }, 180_000)

  it("the exec probe example: each replica's own /tmp/healthy and / are what its probes read", async (ctx) => {
    ctx.skip(!scratchRoot(), 'a scratch root needs a root daemon with overlayfs (docs/isolation.md)')
    const marker = `/healthy-${process.pid}`
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'probed' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'probed' } },
        template: {
          metadata: { labels: { app: 'probed' } },
          spec: {
            containers: [
              {
                name: 'probed',
                image: 'busybox:1.28',
                command: ['sh', '-c', `touch /tmp/healthy; echo ok > ${marker}; sleep 3600`],
                readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1 },
                livenessProbe: { exec: { command: ['cat', marker] }, periodSeconds: 1 },
                lifecycle: { preStop: { exec: { command: ['sh', '-c', `echo stopping > ${marker}.stop`] } } },
              },
            ],
          },
        },
      },
    }
    await baton.apply(JSON.stringify(manifest))
    await ok('rollout status deployment/probed --timeout=90s')
    expect(await ok('get deploy probed')).toMatch(/^probed\s+2\/2\s+2\s+2\s+/m)
    expect(await ok('get pods -l app=probed -o jsonpath={.items[*].status.containerStatuses[0].restartCount}')).toBe(
      '0 0',
    )
    await ok('delete deployment probed')
    // The replicas' writes to / stayed in their scratch roots, the preStop's too.
    expect(existsSync(marker)).toBe(false)
    expect(existsSync(`${marker}.stop`)).toBe(false)
  }, 180_000)

  it('000-1: applied with a warning for each image no artifact was pushed for', async () => {
    await deleteLeftovers(`-f ${fixture('000-1')}`, 'myapp')
    const applied = await run(`apply -f ${fixture('000-1')}`)
    expect(applied.stdout).toBe('deployment.apps/myapp created\nservice/myservice created\n')
    expect(applied.stderr).toContain('no artifact "dockerhubusername/imagename:version1" has been pushed')
    expect(applied.stderr).toContain('targetPort "httpport" matches no container port of Deployment "myapp"')
    await ok(`delete -f ${fixture('000-1')}`)
  }, 120_000)
})

describe('seed 003: the Spring Boot manifests', () => {
  it('003-1 is refused at apply where the daemon cannot mount its configMap volume', async (ctx) => {
    ctx.skip(scratchRoot(), 'a root daemon with overlayfs mounts it: the next test')
    const refused = await run(`apply -f ${fixture('003-1')}`)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('spec.template.spec.volumes[0].configMap: Forbidden')
    expect(await ok('get deploy -o name')).not.toContain('spring-boot')
  }, 60_000)

  it('003-1 applies where the daemon mounts its configMap volume (a root daemon with overlayfs)', async (ctx) => {
    ctx.skip(!scratchRoot(), 'volumes need a root daemon with overlayfs (docs/isolation.md)')
    await deleteLeftovers(`-f ${fixture('003-1')}`, 'spring-boot-kubernetes-deployment')
    const applied = await run(`apply -f ${fixture('003-1')}`)
    expect(applied.code).toBe(0)
    expect(applied.stdout).toBe('deployment.apps/spring-boot-kubernetes-deployment created\n')
    await ok(`delete -f ${fixture('003-1')}`)
  }, 60_000)
})

describe('a bare Pod from apply', () => {
  it('is bound to the node and runs', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'sleeper' },
      spec: { containers: [{ name: 'sleeper', image: 'busybox:1.28', command: ['sleep', '3600'] }] },
    }
    await baton.apply(JSON.stringify(pod))
    expect(await ok('wait --for=condition=Ready pod/sleeper --timeout=60s')).toBe('pod/sleeper condition met\n')
    expect(await ok('get pod sleeper -o jsonpath={.spec.nodeName}')).toBe('baton-node')
    await ok('delete pod sleeper')
  }, 120_000)
})
