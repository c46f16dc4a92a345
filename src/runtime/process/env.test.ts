import { describe, expect, it } from 'vitest'
import type { ConfigMap, Container, Pod } from '../../api/types.ts'
import { containerArgv, containerEnv, expandRefs } from './env.ts'
import { isLaunchProblem, launchConfig } from './launch-config.ts'

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-abc', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: { nodeName: 'baton-node', containers: [] },
}
const mappings = [
  { containerName: 'web', name: 'http', containerPort: 8080, hostPort: 20001 },
  { containerName: 'web', name: 'metrics-http', containerPort: 9090, hostPort: 20002 },
  { containerName: 'sidecar', containerPort: 7070, hostPort: 20003 },
]
const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { color: 'blue' } }

function env(container: Partial<Container>) {
  return containerEnv({
    pod,
    container: { name: 'web', ...container },
    portMappings: mappings,
    baseEnv: { PATH: '/usr/bin' },
    configMap: (ns, name) => (ns === 'shop' && name === 'cfg' ? cm : undefined),
  })
}

describe('containerEnv', () => {
  it('sets the pod variables and the container ports, PORT being the first', () => {
    expect(env({})).toEqual({
      env: {
        PATH: '/usr/bin',
        POD_NAME: 'web-abc',
        POD_NAMESPACE: 'shop',
        POD_IP: '127.0.0.1',
        HOSTNAME: 'web-abc',
        PORT: '20001',
        BATON_PORT_HTTP: '20001',
        BATON_PORT_METRICS_HTTP: '20002',
      },
    })
  })

  it('resolves fieldRef and configMapKeyRef, expands $(VAR), and keeps Baton in charge of PORT', () => {
    const r = env({
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'LISTEN', value: ':$(PORT)' },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
        { name: 'SHAPE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'shape', optional: true } } },
      ],
    })
    expect(r).toMatchObject({ env: { PORT: '20001', LISTEN: ':20001', APP: 'web', COLOR: 'blue' } })
    expect('env' in r && 'SHAPE' in r.env).toBe(false)
  })

  it.each([
    { name: 'missing configmap', ref: { name: 'nope', key: 'k' }, error: 'env X: configmap "nope" not found' },
    { name: 'missing key', ref: { name: 'cfg', key: 'k' }, error: 'env X: key "k" not found in configmap "cfg"' },
  ])('fails on a $name', ({ ref, error }) => {
    expect(env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: ref } }] })).toEqual({ error })
  })
})

describe('expandRefs', () => {
  it.each([
    ['--port=$(PORT)', '--port=20001'],
    ['$(UNDEFINED) stays', '$(UNDEFINED) stays'],
    ['$$(PORT) escapes', '$(PORT) escapes'],
  ])('%s → %s', (text, want) => {
    expect(expandRefs(text, { PORT: '20001' })).toBe(want)
  })

  it('applies to command and args', () => {
    expect(containerArgv({ name: 'web', command: ['node'], args: ['server.js', '--port', '$(PORT)'] }, { PORT: '1' })).toEqual([
      'node',
      'server.js',
      '--port',
      '1',
    ])
  })
})

describe('launchConfig', () => {
  const base = {
    pod,
    portMappings: mappings,
    baseEnv: {},
    configMap: () => undefined,
    podDir: '/data/pods/u1',
    exists: (p: string) => p === '/data/pods/u1/containers/web/rootfs/app/run.sh',
  }
  const rootfs = '/data/pods/u1/containers/web/rootfs'

  it.each([
    {
      name: 'image: workingDir and absolute paths of the artifact resolve inside its copy',
      container: { name: 'web', image: 'web:v1', command: ['/app/run.sh'], workingDir: '/app' },
      rootfs,
      want: { argv: [`${rootfs}/app/run.sh`], cwd: `${rootfs}/app` },
    },
    {
      name: 'image: machine paths stay machine paths; no workingDir runs at the artifact root',
      container: { name: 'web', image: 'web:v1', command: ['/bin/sh', '-c', 'exec node server.js'] },
      rootfs,
      want: { argv: ['/bin/sh', '-c', 'exec node server.js'], cwd: rootfs },
    },
    {
      name: 'no image: workingDir as given',
      container: { name: 'web', command: ['node', 'server.js'], workingDir: '/srv/web' },
      rootfs: undefined,
      want: { argv: ['node', 'server.js'], cwd: '/srv/web' },
    },
    {
      name: 'no image, no workingDir: the pod directory',
      container: { name: 'web', command: ['node', 'server.js'] },
      rootfs: undefined,
      want: { argv: ['node', 'server.js'], cwd: '/data/pods/u1' },
    },
  ])('$name', ({ container, rootfs: r, want }) => {
    expect(launchConfig({ ...base, container, rootfs: r })).toMatchObject(want)
  })

  it('refuses a container without a command', () => {
    const c = launchConfig({ ...base, container: { name: 'web', image: 'web:v1' }, rootfs })
    expect(isLaunchProblem(c) && c).toEqual({
      reason: 'CreateContainerError',
      message: 'container "web" has no command: set command (and args)',
    })
  })
})
