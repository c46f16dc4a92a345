/**
 * kubectl's scripting verbs against a real daemon, replicas and load balancer: the way a CI
 * script or a seed tutorial drives Baton (wait, get -o jsonpath / custom-columns, patch, label,
 * TYPE.VERSION.GROUP names). Each step's output is kubectl's for the same objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE_NAME } from '../../src/cli/commands/run.ts'
import { DEFAULT_NODE_NAME } from '../../src/api/node-name.ts'
import { expectOk, startBaton, type Baton } from './support/baton.ts'
import { webManifest } from './support/manifests.ts'

let baton: Baton
beforeAll(async () => {
  baton = await startBaton({})
  await baton.apply(webManifest({ servicePort: baton.servicePort, replicas: 2 }))
}, 120_000)
afterAll(async () => {
  await baton?.stop()
}, 120_000)

const ok = async (args: string[]) => expectOk(`baton ${args.join(' ')}`, await baton.cli(args)).stdout

describe('kubectl verbs on a real daemon', () => {
  it('waits for Available by TYPE.VERSION.GROUP, then prints with jsonpath and custom columns', async () => {
    expect(await ok(['wait', '--for=condition=Available', 'deployment.v1.apps/web', '--timeout=90s'])).toBe(
      'deployment.apps/web condition met\n',
    )
    expect(await ok(['wait', '--for=jsonpath={.status.readyReplicas}=2', 'deploy/web', '--timeout=90s'])).toBe(
      'deployment.apps/web condition met\n',
    )
    expect(
      await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']),
    ).toBe('Running\nRunning\n')
    expect(
      await ok(['get', 'deploy,svc', 'web', '-o', 'custom-columns=KIND:.kind,NAME:.metadata.name', '--no-headers']),
    ).toBe('Deployment   web\nService      web\n')
    expect(
      await ok([
        'get',
        'deployments.apps',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[?(@.name=="web")].image}',
      ]),
    ).toBe('web:v1')
  }, 120_000)

  it('patches the image (strategic merge), rolls out, and labels', async () => {
    // web:v2 after beforeAll's v1. A retry (P16) finds its failed attempt's image and label, which
    // would print "patched (no change)" and "not labeled": patch to the other image, label afresh.
    const image = await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])
    const to = image.trim() === 'web:v2' ? 'v1' : 'v2'
    await ok(['label', 'deploy', 'web', 'tier-'])
    const patch = JSON.stringify({
      spec: { template: { spec: { containers: [{ name: 'web', image: `web:${to}` }] } } },
    })
    expect(await ok(['patch', 'deployment', 'web', '-p', patch])).toBe('deployment.apps/web patched\n')
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s'])
    expect(
      await ok([
        'get',
        'deploy',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[*].image} {.status.updatedReplicas}',
      ]),
    ).toBe(`web:${to} 2`)
    const res = await (await fetch(baton.url('/'))).text()
    expect(res).toContain(to)
    expect(await ok(['label', 'deploy', 'web', 'tier=front'])).toBe('deployment.apps/web labeled\n')
    expect(await ok(['get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier'])).toBe(
      'NAME   TIER\nweb    front\n',
    )
  }, 180_000)

  it('runs a bare pod with run, exposes it, and waits for it to be Ready', async () => {
    expect(NODE_NAME).toBe(DEFAULT_NODE_NAME)
    // A retry (P16) may find the pod its failed attempt ran: gone first, or `run` finds it exists.
    await ok(['delete', 'pod', 'hello', '--ignore-not-found'])
    await baton.cli(['wait', '--for=delete', 'pod/hello', '--timeout=90s'])
    expect(
      await ok([
        'run',
        'hello',
        '--image=web:v1',
        '--port=8080',
        '--labels=app=hello',
        '--command',
        '--',
        'node',
        'server.js',
      ]),
    ).toBe('pod/hello created\n')
    expect(await ok(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=90s'])).toBe('pod/hello condition met\n')
    expect(await ok(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}'])).toBe('Running')
    const svc = JSON.parse(
      await ok(['expose', 'pod', 'hello', '--port=80', '--target-port=8080', '--dry-run=client', '-o', 'json']),
    )
    expect(svc.spec).toEqual({ selector: { app: 'hello' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] })
    await ok(['delete', 'pod', 'hello'])
  }, 120_000)

  it('waits for a deleted pod to be gone', async () => {
    const pod = (
      await ok(['get', 'pods', '-l', 'app=web', '--sort-by=.metadata.name', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).trim()
    expect(pod).toMatch(/^web-/)
    await ok(['delete', 'pod', pod])
    expect(await ok(['wait', '--for=delete', `pod/${pod}`, '--timeout=90s'])).toBe(`pod/${pod} condition met\n`)
  }, 120_000)
})
