import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

// Only web:v1 (with a default command) and bare:v1 (without one) have been pushed.
const artifacts = {
  resolve: (image: string) =>
    image === 'web:v1'
      ? { name: 'web', tag: 'v1', digest: 'sha256:ab', cmd: ['node', 'server.js'] }
      : image === 'bare:v1'
        ? { name: 'bare', tag: 'v1', digest: 'sha256:cd' }
        : undefined,
} as unknown as ArtifactStore

let h: Harness
beforeEach(() => {
  h = createHarness({ artifacts })
})
afterEach(() => h.close())

const webYaml = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
`

const missing = (image: string) =>
  `Warning: spec.template.spec.containers[0].image: no artifact "${image}" has been pushed; its pods will wait in ImagePullBackOff until you run: baton push ${image} DIR (or, for a Docker image, set runtimeClassName: docker on a node started with baton up --runtime docker)\n`

describe("a missing artifact is a warning, as kubectl prints the API's warnings", () => {
  it('apply stores the Deployment and warns once, naming the push command', async () => {
    expect(await h.run('apply -f -', { stdin: webYaml('nginx:1.25') })).toEqual({
      code: 0,
      out: 'deployment.apps/web created\n',
      err: missing('nginx:1.25'),
    })
    expect(h.store.get('Deployment', 'default', 'web')?.spec.template.spec.containers[0]?.image).toBe('nginx:1.25')
  })

  it('apply of a pushed image says nothing on stderr', async () => {
    expect((await h.run('apply -f -', { stdin: webYaml('web:v1') })).err).toBe('')
  })

  it('apply warns when neither the container nor its artifact has a command', async () => {
    expect((await h.run('apply -f -', { stdin: webYaml('bare:v1') })).err).toBe(
      `Warning: spec.template.spec.containers[0].command: container "web" sets no command and artifact "bare:v1" has no default command; its pods will fail with RunContainerError: set command (and args), or push the artifact with one: baton push bare:v1 DIR --cmd 'COMMAND'\n`,
    )
  })

  it('set image warns', async () => {
    await h.run('apply -f -', { stdin: webYaml('web:v1') })
    expect(await h.run('set image deployment/web web=web:v2')).toEqual({
      code: 0,
      out: 'deployment.apps/web image updated\n',
      err: missing('web:v2'),
    })
  })

  it('rollout plan warns and changes nothing', async () => {
    await h.run('apply -f -', { stdin: webYaml('web:v1') })
    const res = await h.run('rollout plan deployment/web --image web=web:v3')
    expect(res.code).toBe(0)
    expect(res.err).toBe(missing('web:v3'))
    expect(h.store.get('Deployment', 'default', 'web')?.spec.template.spec.containers[0]?.image).toBe('web:v1')
  })
})
