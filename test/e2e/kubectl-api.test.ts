/**
 * The real kubectl v1.35 (kube-tools.ts) on a real daemon, for the API machinery beyond the
 * seeds' commands (docs/kubectl.md): `explain` from the OpenAPI v3 schemas, `--validate=strict`,
 * events in both API groups (`kubectl events`, `kubectl get events[.events.k8s.io]`),
 * `delete --cascade=foreground|orphan`, `delete --all` / `-l`, deletecollection
 * (`kubectl delete --raw` on a collection), and `get endpointslices -w`. Each step checks kubectl's exit code and output.
 */
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Baton, startBaton } from './support/baton.ts'
import { kubeTools, runTool, toolOk } from './support/kube-tools.ts'

let baton: Baton
let kubeconfig: string
const kubectl = kubeTools().kubectl

beforeAll(async () => {
  baton = await startBaton({})
  kubeconfig = join(baton.dataDir, 'kubeconfig')
}, 120_000)

afterAll(async () => {
  await baton?.stop()
}, 120_000)

const run = (args: string[]) => runTool(kubectl, args, baton.dataDir, 120_000)
const ok = (args: string[]) => toolOk(kubectl, args, baton.dataDir, 120_000)

async function file(name: string, text: string): Promise<string> {
  const path = join(baton.dataDir, name)
  await writeFile(path, text)
  return path
}

/**
 * A Deployment whose pods ignore SIGTERM, so each takes its grace period (10 s) to stop: long
 * enough that a foreground deletion is still under way when the next kubectl looks (with 3 s,
 * a slow kubectl start in CI once found it finished).
 */
function slowStopping(name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: 'web',
              image: 'web:v1',
              command: ['node', 'server.js'],
              env: [
                { name: 'SHUTDOWN', value: 'ignore' },
                { name: 'PORT', value: '0' },
              ],
            },
          ],
        },
      },
    },
  })
}

/** A headless Service without ports over the pods labelled app=NAME: one EndpointSlice for them all. */
const headless = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { clusterIP: 'None', selector: { app: name } },
  })

const podsOf = async (app: string) => (await run(['get', 'po', '-l', `app=${app}`, '-o', 'name'])).stdout

describe('kubectl explain and validation from the OpenAPI v3 schemas', () => {
  it('explains a field path, its type and enum', async () => {
    const out = await ok(['explain', 'deployment.spec.strategy'])
    expect(out).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/)
    expect(out).toMatch(/FIELD: strategy <Object>/)
    expect(out).toMatch(/rollingUpdate\t<Object>/)
    expect(out).toMatch(/type\t<string>\n\s+enum: Recreate, RollingUpdate/)
  })

  it("says which fields Baton refuses, in the field's description", async () => {
    expect(await ok(['explain', 'pod.spec.containers.livenessProbe.grpc'])).toMatch(
      /Refused by Baton: Baton does not run gRPC probes/,
    )
  })

  it('refuses an unknown field under --validate=strict, naming it, and stores nothing', async () => {
    const manifest = JSON.parse(slowStopping('bad', 1))
    manifest.spec.strategy = { type: 'RollingUpdate', rollingUpdat: { maxSurge: 1 } }
    const bad = await file('bad.json', JSON.stringify(manifest))
    const r = await run(['apply', '--validate=strict', '-f', bad])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('spec.strategy.rollingUpdat: unknown field "spec.strategy.rollingUpdat"')
    expect((await run(['get', 'deploy', 'bad'])).code).toBe(1)
  })
})

describe('events in core v1 and events.k8s.io/v1', () => {
  it('lists the same events with kubectl events, get events and get events.events.k8s.io', async () => {
    // "unchanged" when a retry (P16) applies what its failed attempt created.
    expect(await ok(['apply', '-f', await file('ev.json', slowStopping('ev', 1))])).toMatch(
      /^deployment\.apps\/ev (created|unchanged)\n$/,
    )
    await ok(['rollout', 'status', 'deployment/ev', '--timeout=90s'])
    const scaled = /Normal\s+ScalingReplicaSet\s+(?:Deployment|deployment)\/ev\s+Scaled up replica set ev-\S+ to 1/
    expect(await ok(['events'])).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/)
    expect(await ok(['events', '--for', 'deployment/ev'])).toMatch(scaled)
    expect(await ok(['get', 'events'])).toMatch(scaled)
    expect(await ok(['get', 'events.events.k8s.io'])).toMatch(scaled)
    const v1 = JSON.parse(
      await ok(['get', 'events.v1.events.k8s.io', '--field-selector', 'regarding.kind=Deployment', '-o', 'json']),
    )
    expect(v1.items.length).toBeGreaterThan(0)
    expect(v1.items[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      regarding: { kind: 'Deployment', name: 'ev' },
      reason: 'ScalingReplicaSet',
      note: expect.stringMatching(/^Scaled up replica set ev-/),
      reportingController: 'deployment-controller',
    })
  }, 150_000)

  it('watches events.k8s.io/v1: a new event arrives on the watch', async () => {
    const watch = spawn(kubectl, ['get', 'events.events.k8s.io', '--watch-only', '-o', 'name'], {
      env: { PATH: process.env.PATH ?? '', HOME: baton.dataDir, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    watch.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    try {
      // Scaling records an event each time; repeat until the watch (whenever it opened) shows one.
      let replicas = 1
      await expect
        .poll(
          async () => {
            replicas = replicas === 1 ? 2 : 1
            await ok(['scale', 'deployment', 'ev', `--replicas=${replicas}`])
            return out
          },
          { timeout: 60_000, interval: 2_000 },
        )
        .toMatch(/^event\.events\.k8s\.io\/ev\.\S+$/m)
    } finally {
      watch.kill()
    }
  }, 90_000)
})

describe('deletion propagation and collections', () => {
  it('--cascade=foreground keeps the Deployment, marked, until its pods are gone', async () => {
    await ok(['apply', '-f', await file('fg.json', slowStopping('fg', 2))])
    await ok(['rollout', 'status', 'deployment/fg', '--timeout=90s'])
    expect(await ok(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false'])).toBe(
      'deployment.apps "fg" deleted from default namespace\n',
    )
    expect(
      await ok(['get', 'deploy', 'fg', '-o', 'jsonpath={.metadata.finalizers} {.metadata.deletionTimestamp}']),
    ).toMatch(/^\["foregroundDeletion"\] \d{4}-/)
    expect(await ok(['get', 'rs', '-l', 'app=fg', '-o', 'jsonpath={.items[0].metadata.finalizers}'])).toBe(
      '["foregroundDeletion"]',
    )
    expect(await podsOf('fg')).not.toBe('')
    await ok(['wait', '--for=delete', 'deployment/fg', '--timeout=90s'])
    expect(await podsOf('fg')).toBe('')
    expect(await ok(['get', 'rs', '-l', 'app=fg', '-o', 'name'])).toBe('')
  }, 200_000)

  it('--cascade=orphan leaves the ReplicaSet and its pods, without the ownerReference', async () => {
    await ok(['apply', '-f', await file('or.json', slowStopping('or', 1))])
    await ok(['rollout', 'status', 'deployment/or', '--timeout=90s'])
    await ok(['delete', 'deployment', 'or', '--cascade=orphan'])
    expect(await ok(['get', 'rs', '-l', 'app=or', '-o', 'jsonpath={.items[*].metadata.ownerReferences}'])).toBe('')
    expect(await podsOf('or')).toMatch(/^pod\/or-\S+\n$/)
    // The orphaned ReplicaSet still owns its pods: deleting it (background) takes them.
    await ok(['delete', 'rs', '-l', 'app=or'])
    await expect.poll(() => podsOf('or'), { timeout: 60_000 }).toBe('')
  }, 200_000)

  it('deletes by label and --all (one delete per object), and a collection with --raw (deletecollection)', async () => {
    // A retry (P16) may find the ConfigMaps its failed attempt created.
    await ok(['delete', 'configmaps', '--all'])
    for (const n of ['a', 'b', 'c', 'd']) await ok(['create', 'configmap', `cm-${n}`, '--from-literal=k=v'])
    await ok(['label', 'configmap', 'cm-a', 'cm-b', 'grp=one'])
    await ok(['label', 'configmap', 'cm-c', 'grp=two'])
    expect(await ok(['delete', 'configmaps', '-l', 'grp=one'])).toBe(
      'configmap "cm-a" deleted from default namespace\nconfigmap "cm-b" deleted from default namespace\n',
    )
    const raw = JSON.parse(
      await ok(['delete', '--raw', '/api/v1/namespaces/default/configmaps?labelSelector=grp%3Dtwo']),
    )
    expect(raw).toMatchObject({ kind: 'ConfigMapList', items: [{ metadata: { name: 'cm-c' } }] })
    expect(await ok(['get', 'cm', '-o', 'name'])).toBe('configmap/cm-d\n')
    await ok(['delete', 'configmaps', '--all'])
    expect(await ok(['get', 'cm', '-o', 'name'])).toBe('')
  }, 120_000)

  it('kubectl api-resources lists deletecollection among the verbs', async () => {
    expect(await ok(['api-resources', '--api-group=apps', '-o', 'wide'])).toMatch(
      /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment\s+create,delete,deletecollection,get,list,patch,update,watch/,
    )
  })
})

describe('namespaces, their default ServiceAccount and EndpointSlices', () => {
  it('creates a namespace with a default ServiceAccount; its Service has EndpointSlices', async () => {
    // A retry (P16) may find the namespace its failed attempt created.
    await ok(['delete', 'namespace', 'team', '--ignore-not-found', '--timeout=120s'])
    expect(await ok(['create', 'namespace', 'team'])).toBe('namespace/team created\n')
    expect(await ok(['get', 'ns', 'team', '-o', 'jsonpath={.status.phase} {.spec.finalizers}'])).toBe(
      'Active ["kubernetes"]',
    )
    expect(await ok(['get', 'namespaces', '-o', 'name'])).toMatch(/^namespace\/default\nnamespace\/team\n/)
    await expect
      .poll(() => ok(['get', 'sa', '-n', 'team', '-o', 'name']), { timeout: 30_000 })
      .toBe('serviceaccount/default\n')
    await ok(['apply', '-n', 'team', '-f', await file('sl.json', slowStopping('sl', 2))])
    await ok(['apply', '-n', 'team', '-f', await file('sl-svc.json', headless('sl'))])
    await ok(['rollout', 'status', '-n', 'team', 'deployment/sl', '--timeout=90s'])
    await expect
      .poll(() => ok(['get', 'endpointslices', '-n', 'team', '-l', 'kubernetes.io/service-name=sl']), {
        timeout: 30_000,
      })
      .toMatch(
        /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\nsl-[0-9a-f]{5}\s+IPv4\s+<unset>\s+127\.0\.0\.1,127\.0\.0\.1\s+\S+\n$/,
      )
  }, 150_000)

  // No retry (P16): its failed attempt's delete already took the namespace this case deletes.
  it('deletes a namespace with what is in it: Terminating, creates refused, kubectl delete waits until it is gone', {
    retry: 0,
    timeout: 180_000,
  }, async () => {
    const pods = (await ok(['get', 'pods', '-n', 'team', '-o', 'name'])).trim().split('\n')
    expect(pods).toHaveLength(2)
    // Its pods ignore SIGTERM and take their 10 s grace period: the namespace stays Terminating that long.
    const deleting = run(['delete', 'namespace', 'team', '--timeout=120s'])
    await expect
      .poll(() => ok(['get', 'ns', 'team', '-o', 'jsonpath={.status.phase}']), { timeout: 30_000 })
      .toBe('Terminating')
    const refused = await run(['create', 'configmap', 'late', '-n', 'team', '--from-literal=k=v'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated',
    )
    const deleted = await deleting
    expect(deleted.stdout).toBe('namespace "team" deleted\n')
    expect(deleted.code).toBe(0)
    const gone = await run(['get', 'ns', 'team'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('Error from server (NotFound): namespaces "team" not found')
    expect(await ok(['get', 'all', '-n', 'team', '-o', 'name'])).toBe('')
    expect(await ok(['get', 'sa,cm,secrets', '-n', 'team', '-o', 'name'])).toBe('')
    const refuseDefault = await run(['delete', 'namespace', 'default'])
    expect(refuseDefault.code).toBe(1)
    expect(refuseDefault.stderr).toContain('namespaces "default" is forbidden: this namespace may not be deleted')
  })
})

describe('watching EndpointSlices', () => {
  it('kubectl get endpointslices -w shows the slice change while a Deployment scales', async () => {
    await ok(['apply', '-f', await file('sw.json', slowStopping('sw', 1))])
    await ok(['apply', '-f', await file('sw-svc.json', headless('sw'))])
    await ok(['rollout', 'status', 'deployment/sw', '--timeout=90s'])
    const watch = spawn(kubectl, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=sw', '-w'], {
      env: { PATH: process.env.PATH ?? '', HOME: baton.dataDir, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    watch.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    watch.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const exited = new Promise<number | null>((resolve) => watch.on('exit', (code) => resolve(code)))
    try {
      // The list: the headless Service's one slice (no ports) with the one replica.
      await expect
        .poll(() => out, { timeout: 30_000 })
        .toMatch(
          /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\nsw-[0-9a-f]{5}\s+IPv4\s+<unset>\s+127\.0\.0\.1\s+\S+\n/,
        )
      await ok(['scale', 'deployment', 'sw', '--replicas=2'])
      // The watch: the same slice again, now with the second replica's address.
      await expect
        .poll(() => out, { timeout: 60_000 })
        .toMatch(/\nsw-[0-9a-f]{5}\s+IPv4\s+<unset>\s+127\.0\.0\.1,127\.0\.0\.1\s+\S+\n/)
      const names = new Set(
        out
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0]),
      )
      expect(names.size).toBe(1)
      expect(err).toBe('')
      expect(watch.exitCode).toBeNull()
    } finally {
      watch.kill()
      await exited
    }
    await ok(['delete', 'deployment', 'sw', '--wait=false'])
    await ok(['delete', 'service', 'sw'])
  }, 150_000)
})

describe('/openapi/v2', () => {
  it('serves the Swagger 2.0 document as JSON; a protobuf-only ask (explain plaintext-openapiv2) is 406', async () => {
    const doc = JSON.parse(await ok(['get', '--raw', '/openapi/v2']))
    expect(doc.swagger).toBe('2.0')
    expect(Object.keys(doc.definitions)).toEqual(
      expect.arrayContaining(['io.k8s.api.apps.v1.Deployment', 'io.k8s.api.core.v1.Namespace']),
    )
    const v2 = await run(['explain', 'deployment', '--output=plaintext-openapiv2'])
    expect(v2.code).toBe(1)
    expect(v2.stderr).toContain('Error from server (NotAcceptable)')
  })
})
