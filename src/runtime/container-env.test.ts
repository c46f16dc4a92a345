import { describe, expect, it } from 'vitest'
import type { ConfigMap, Container, Pod, Secret } from '../api/types.ts'
import { containerArgv, containerEnv, expandRefs } from './container-env.ts'

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
const cm: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'shop' },
  data: { color: 'blue', RT: '8080' },
}

const secret: Secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'shop' },
  // "s3cr3t", "admin", "héllo" (UTF-8)
  data: { password: 'czNjcjN0', user: 'YWRtaW4=', greeting: 'aMOpbGxv' },
}

function env(container: Partial<Container>) {
  return containerEnv({
    pod,
    container: { name: 'web', ...container },
    portMappings: mappings,
    baseEnv: { PATH: '/usr/bin' },
    configMap: (ns, name) => (ns === 'shop' && name === 'cfg' ? cm : undefined),
    secret: (ns, name) => (ns === 'shop' && name === 'creds' ? secret : undefined),
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

  it('gives a pod with a subdomain its peers file and stable name, when the runtime keeps peers files', () => {
    const member: Pod = { ...pod, spec: { ...pod.spec, hostname: 'web-0', subdomain: 'web' } }
    const input = {
      pod: member,
      container: { name: 'web' },
      portMappings: [],
      baseEnv: {},
      configMap: () => undefined,
      secret: () => undefined,
    }
    expect(containerEnv({ ...input, peersDir: '/data/peers' })).toMatchObject({
      env: { HOSTNAME: 'web-0', BATON_PEERS_FILE: '/data/peers/shop/web.json', BATON_PEER_NAME: 'web-0.web' },
    })
    expect(containerEnv(input)).not.toHaveProperty('env.BATON_PEERS_FILE')
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
    {
      name: 'secretKeyRef, decoded from base64 as UTF-8',
      container: { env: [{ name: 'HI', valueFrom: { secretKeyRef: { name: 'creds', key: 'greeting' } } }] },
      want: { HI: 'héllo' },
    },
    {
      name: 'an optional secretKeyRef to a missing key is left unset',
      container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'no', optional: true } } }] },
      want: {},
    },
    {
      name: 'an optional secretKeyRef to a missing Secret is left unset',
      container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } }] },
      want: {},
    },
    {
      name: 'envFrom secretRef with a prefix',
      container: { envFrom: [{ prefix: 'DB_', secretRef: { name: 'creds' } }] },
      want: { DB_password: 's3cr3t', DB_user: 'admin', DB_greeting: 'héllo' },
    },
    {
      name: 'envFrom configMapRef without a prefix',
      container: { envFrom: [{ configMapRef: { name: 'cfg' } }] },
      want: { color: 'blue', RT: '8080' },
    },
    {
      name: 'an optional envFrom source that is missing adds nothing',
      container: {
        envFrom: [{ secretRef: { name: 'gone', optional: true } }, { configMapRef: { name: 'gone', optional: true } }],
      },
      want: {},
    },
    {
      name: 'a later envFrom source wins, and env wins over envFrom and may refer to it',
      container: {
        envFrom: [{ secretRef: { name: 'creds' } }, { prefix: 'user', configMapRef: { name: 'cfg' } }],
        env: [
          { name: 'user', value: 'root' },
          { name: 'DSN', value: '$(user):$(password)' },
        ],
      },
      want: {
        user: 'root',
        usercolor: 'blue',
        userRT: '8080',
        password: 's3cr3t',
        greeting: 'héllo',
        DSN: 'root:s3cr3t',
      },
    },
    {
      name: "envFrom cannot take Baton's PORT",
      container: { envFrom: [{ prefix: 'PO', configMapRef: { name: 'cfg' } }] },
      want: { POcolor: 'blue' },
    },
  ])('resolves $name', ({ container, want }) => {
    const base = env({})
    const r = env(container as Partial<Container>)
    if (!('env' in r) || !('env' in base)) throw new Error('no environment')
    // What the sources set or changed, beside the pod and port variables every container has.
    const changed = Object.fromEntries(Object.entries(r.env).filter(([k, v]) => base.env[k] !== v))
    expect(changed).toEqual(want)
  })

  // The kubelet's own words (kubelet_pods.go makeEnvironmentVariables), which it shows as the
  // waiting container's CreateContainerConfigError message.
  it.each([
    {
      name: 'missing configmap',
      container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] },
      error: 'configmap "nope" not found',
    },
    {
      name: 'missing configmap key',
      container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] },
      error: "couldn't find key k in ConfigMap shop/cfg",
    },
    {
      name: 'missing secret',
      container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] },
      error: 'secret "nope" not found',
    },
    {
      name: 'missing secret key',
      container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] },
      error: "couldn't find key token in Secret shop/creds",
    },
    {
      name: 'missing envFrom secret',
      container: { envFrom: [{ secretRef: { name: 'nope' } }] },
      error: 'secret "nope" not found',
    },
    {
      name: 'missing envFrom configmap',
      container: { envFrom: [{ prefix: 'A_', configMapRef: { name: 'nope', optional: false } }] },
      error: 'configmap "nope" not found',
    },
  ])('fails on a $name', ({ container, error }) => {
    expect(env(container as Partial<Container>)).toEqual({ error })
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
    expect(
      containerArgv({ name: 'web', command: ['node'], args: ['server.js', '--port', '$(PORT)'] }, { PORT: '1' }),
    ).toEqual(['node', 'server.js', '--port', '1'])
  })
})
