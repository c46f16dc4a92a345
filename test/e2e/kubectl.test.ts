/**
 * The real kubectl v1.35 (kube-tools.ts) drives a real daemon through the seed tutorials'
 * commands: apply (twice: unchanged), get in each output, describe, set image, rollout
 * status/history/undo --to-revision/pause/resume/restart, scale, label, annotate, patch in its
 * three types, logs, delete, and a NotFound. Each step checks kubectl's exit code and output.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Baton, startBaton } from './support/baton.ts'
import { kubeTools, runTool, toolOk } from './support/kube-tools.ts'
import { webManifest } from './support/manifests.ts'

let baton: Baton
let manifest: string
const kubectl = kubeTools().kubectl

beforeAll(async () => {
  baton = await startBaton({})
  manifest = join(baton.dataDir, 'web.yaml')
  // rollingUpdate spelled out: a strategy without it gets the defaults on the server, and
  // kubectl's next apply then sends `$retainKeys` and says "configured", as against a cluster.
  await writeFile(
    manifest,
    webManifest({ servicePort: baton.servicePort, replicas: 2, maxSurge: '25%', maxUnavailable: '25%' }),
  )
}, 120_000)

afterAll(async () => {
  await baton?.stop()
}, 120_000)

const run = (args: string[]) => runTool(kubectl, args, baton.dataDir, 120_000)
const ok = (args: string[]) => toolOk(kubectl, args, baton.dataDir, 120_000)

// No retry (P16): the cases are one tutorial in order, each checking kubectl's exact words
// ("created", "labeled", revisions 1 and 2), which a retried step, finding itself done, cannot print.
describe('the real kubectl against Baton', { retry: 0 }, () => {
  it('applies, and a second apply changes nothing', async () => {
    expect(await ok(['apply', '-f', manifest])).toBe('deployment.apps/web created\nservice/web created\n')
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=90s'])).toContain(
      'deployment "web" successfully rolled out',
    )
    expect(await ok(['apply', '-f', manifest])).toBe('deployment.apps/web unchanged\nservice/web unchanged\n')
  }, 150_000)

  it('gets with the server-side columns and every output', async () => {
    expect(await ok(['get', 'deploy'])).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\S+\n$/,
    )
    expect(await ok(['get', 'deploy', '-o', 'wide'])).toMatch(
      /CONTAINERS\s+IMAGES\s+SELECTOR\n.*web\s+web:v1\s+app=web\n$/,
    )
    expect(await ok(['get', 'po', '-l', 'app=web', '--no-headers'])).toMatch(
      /^(web-\S+\s+1\/1\s+Running\s+0\s+\S+\n){2}$/,
    )
    expect(await ok(['get', 'svc', 'web'])).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/)
    expect(await ok(['get', 'deploy', 'web', '-o', 'name'])).toBe('deployment.apps/web\n')
    expect(await ok(['get', 'ns', '--no-headers'])).toMatch(/^default\s+Active\s+\S+\n$/)
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('2')
    expect(await ok(['get', 'deploy', 'web', '-o', 'yaml'])).toContain('kind: Deployment')
    expect(await ok(['describe', 'deploy', 'web'])).toMatch(
      /Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available/,
    )
  }, 60_000)

  it('prints a NotFound Status as kubectl does and exits 1', async () => {
    const r = await run(['get', 'deploy', 'nope'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n')
  })

  it('sets an image, rolls it out, and undoes it to revision 1', async () => {
    expect(await ok(['set', 'image', 'deployment/web', 'web=web:v2'])).toBe('deployment.apps/web image updated\n')
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s'])
    expect(await ok(['rollout', 'history', 'deployment/web'])).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/,
    )
    expect(await ok(['rollout', 'undo', 'deployment/web', '--to-revision=1'])).toBe('deployment.apps/web rolled back\n')
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s'])
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(
      'web:v1',
    )
  }, 240_000)

  it('scales, pauses, resumes, restarts, labels, annotates and patches', async () => {
    expect(await ok(['scale', 'deployment', 'web', '--replicas=3'])).toBe('deployment.apps/web scaled\n')
    expect(await ok(['rollout', 'pause', 'deployment/web'])).toBe('deployment.apps/web paused\n')
    expect(await ok(['rollout', 'resume', 'deployment/web'])).toBe('deployment.apps/web resumed\n')
    expect(await ok(['rollout', 'restart', 'deployment/web'])).toBe('deployment.apps/web restarted\n')
    expect(await ok(['label', 'deployment', 'web', 'tier=front'])).toBe('deployment.apps/web labeled\n')
    expect(await ok(['annotate', 'deployment', 'web', 'note=hi'])).toBe('deployment.apps/web annotated\n')
    expect(await ok(['patch', 'deployment', 'web', '-p', '{"spec":{"minReadySeconds":1}}'])).toBe(
      'deployment.apps/web patched\n',
    )
    await ok([
      'patch',
      'deployment',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":2}]',
    ])
    await ok(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":0}}'])
    expect(
      await ok([
        'get',
        'deploy',
        'web',
        '-o',
        'jsonpath={.spec.replicas} {.spec.minReadySeconds} {.metadata.labels.tier} {.metadata.annotations.note}',
      ]),
    ).toBe('2 0 front hi')
    await ok(['rollout', 'status', 'deployment/web', '--timeout=90s'])
  }, 180_000)

  it('creates with the typed clients (protobuf bodies): create deployment, create configmap, expose', async () => {
    const file = join(baton.dataDir, 'application.yml')
    await writeFile(file, 'a: 1\n')
    expect(await ok(['create', 'deployment', 'rd', '--image=web:v1'])).toBe('deployment.apps/rd created\n')
    expect(await ok(['create', 'cm', 'conf', `--from-file=${file}`])).toBe('configmap/conf created\n')
    expect(await ok(['expose', 'deployment', 'rd', '--type=NodePort', '--port=5001'])).toBe('service/rd exposed\n')
    expect(await ok(['get', 'deploy', 'rd', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('web:v1')
    expect(await ok(['get', 'cm', 'conf', '-o', 'jsonpath={.data.application\\.yml}'])).toBe('a: 1\n')
    expect(await ok(['get', 'svc', 'rd', '-o', 'jsonpath={.spec.type} {.spec.ports[0].port}'])).toBe('NodePort 5001')
    await ok(['delete', 'svc,deploy,cm', 'rd', 'conf', '--ignore-not-found'])
  }, 60_000)

  it('reads a pod log and deletes the objects', async () => {
    const pod = (await ok(['get', 'po', '-l', 'app=web', '-o', 'name'])).split('\n')[0]!
    expect(await ok(['logs', pod, '--tail=1'])).toMatch(/\S/)
    expect(await ok(['delete', 'services,deployment', 'web', '-n', 'default'])).toBe(
      'service "web" deleted from default namespace\ndeployment.apps "web" deleted from default namespace\n',
    )
    await expect
      .poll(async () => (await run(['get', 'po', '-l', 'app=web', '-o', 'name'])).stdout, { timeout: 90_000 })
      .toBe('')
  }, 120_000)
})
