import { describe, expect, it } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import {
  containerName,
  createRequest,
  identityOf,
  pullPolicy,
  type ContainerIdentity,
  type CreateRequest,
} from './container-config.ts'
import { hostPortsOf } from './docker-container.ts'

const id: ContainerIdentity = {
  owner: '/var/lib/baton',
  uid: 'u-1',
  namespace: 'default',
  pod: 'web-abc',
  container: 'web',
  restartCount: 2,
}
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'u-1' },
  spec: { containers: [] },
}

function request(container: Partial<Container>, hostPorts = new Map<number, number>()): CreateRequest {
  const r = createRequest({
    id,
    pod,
    container: { name: 'web', image: 'web:v1', ...container },
    hostPorts,
    node: { memoryCapacity: 2 ** 33, oomScoreAdjFloor: -1000 },
    configMap: () => undefined,
    secret: () => undefined,
  })
  if ('error' in r) throw new Error(r.error)
  return r
}

describe('createRequest: the container spec as the kubelet maps it', () => {
  it.each<[string, Partial<Container>, Partial<CreateRequest>]>([
    ['neither command nor args: the image decides', {}, {}],
    [
      'command only: a new entrypoint, and no CMD after it',
      { command: ['/bin/app'] },
      { Entrypoint: ['/bin/app'], Cmd: [] },
    ],
    ['args only: the image entrypoint with new arguments', { args: ['other.js'] }, { Cmd: ['other.js'] }],
    ['command and args', { command: ['/bin/app'], args: ['-v'] }, { Entrypoint: ['/bin/app'], Cmd: ['-v'] }],
    ['workingDir', { workingDir: '/srv' }, { WorkingDir: '/srv' }],
  ])('%s', (_name, container, expected) => {
    const r = request(container)
    expect({ Entrypoint: r.Entrypoint, Cmd: r.Cmd, WorkingDir: r.WorkingDir }).toEqual({
      Entrypoint: undefined,
      Cmd: undefined,
      WorkingDir: undefined,
      ...expected,
    })
  })

  it('passes env with the pod fields and $(VAR) expanded', () => {
    const r = request({
      env: [
        { name: 'A', value: 'x' },
        { name: 'B', value: '$(A)-$(POD_NAME)' },
      ],
    })
    expect(r.Env).toEqual(expect.arrayContaining(['A=x', 'B=x-web-abc', 'POD_NAME=web-abc', 'POD_NAMESPACE=default']))
  })

  it('publishes each TCP port on loopback: engine-chosen the first time, the same host port on a restart', () => {
    const ports = [{ containerPort: 8080 }, { containerPort: 9090 }, { containerPort: 53, protocol: 'UDP' as const }]
    expect(request({ ports }).HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    })
    expect(request({ ports }, new Map([[8080, 32768]])).HostConfig.PortBindings['8080/tcp']).toEqual([
      { HostIp: '127.0.0.1', HostPort: '32768' },
    ])
  })

  it('publishes on the hostPort a port names', () => {
    const ports = [{ containerPort: 8080, hostPort: 18080 }]
    expect(request({ ports }, new Map([[8080, 32768]])).HostConfig.PortBindings['8080/tcp']).toEqual([
      { HostIp: '127.0.0.1', HostPort: '18080' },
    ])
  })

  it("gives the container the pod's hostname when the pod names one", () => {
    expect(request({}).Hostname).toBeUndefined()
    const r = createRequest({
      id,
      pod: { ...pod, spec: { ...pod.spec, hostname: 'web-0' } },
      container: { name: 'web', image: 'web:v1' },
      hostPorts: new Map(),
      node: { memoryCapacity: 2 ** 33, oomScoreAdjFloor: -1000 },
      configMap: () => undefined,
      secret: () => undefined,
    })
    expect('error' in r ? r : r.Hostname).toBe('web-0')
  })

  it('runs as runAsUser[:runAsGroup], the container over the pod', () => {
    expect(request({}).User).toBeUndefined()
    expect(request({ securityContext: { runAsUser: 1000 } }).User).toBe('1000')
    const r = createRequest({
      id,
      pod: { ...pod, spec: { ...pod.spec, securityContext: { runAsUser: 1000, runAsGroup: 1000 } } },
      container: { name: 'web', image: 'web:v1', securityContext: { runAsGroup: 2000 } },
      hostPorts: new Map(),
      node: { memoryCapacity: 2 ** 33, oomScoreAdjFloor: -1000 },
      configMap: () => undefined,
      secret: () => undefined,
    })
    expect('error' in r ? r : r.User).toBe('1000:2000')
  })

  it("turns the engine's restart policy off and maps the memory limit", () => {
    const r = request({ resources: { limits: { memory: '64Mi' } } })
    expect(r.HostConfig.RestartPolicy).toEqual({ Name: 'no' })
    expect(r.HostConfig.Init).toBe(true)
    expect(r.HostConfig.Memory).toBe(64 * 1024 * 1024)
  })

  it("maps cpu and memory as the kubelet does, and the container's securityContext", () => {
    const r = request({
      resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
      securityContext: {
        readOnlyRootFilesystem: true,
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        allowPrivilegeEscalation: false,
      },
    })
    expect(r.HostConfig).toMatchObject({
      Memory: 64 * 1024 * 1024,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      CpuShares: 256,
      ReadonlyRootfs: true,
      CapAdd: ['NET_BIND_SERVICE'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    })
    const plain = request({}).HostConfig
    expect([plain.CpuQuota, plain.CpuShares, plain.ReadonlyRootfs, plain.CapAdd, plain.SecurityOpt]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('labels the container with its pod and restart count, and the labels give the identity back', () => {
    const r = request({})
    expect(r.name).toBe('baton_web_web-abc_default_u-1_2')
    expect(identityOf(r.Labels)).toEqual(id)
    expect(identityOf({ 'baton.owner': 'x' })).toBeUndefined()
    expect(containerName({ ...id, restartCount: 3 })).toBe('baton_web_web-abc_default_u-1_3')
  })

  it('reports an env source it cannot resolve', () => {
    const r = createRequest({
      id,
      pod,
      container: {
        name: 'web',
        image: 'web:v1',
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
      },
      hostPorts: new Map(),
      node: { memoryCapacity: 2 ** 33, oomScoreAdjFloor: -1000 },
      configMap: () => undefined,
      secret: () => undefined,
    })
    expect(r).toEqual({ error: 'configmap "cm" not found' })
  })
})

describe('pullPolicy: Kubernetes defaults', () => {
  it.each([
    ['web:v1', undefined, 'IfNotPresent'],
    ['web', undefined, 'Always'],
    ['web:latest', undefined, 'Always'],
    ['registry:5000/team/web', undefined, 'Always'],
    ['registry:5000/team/web:v2', undefined, 'IfNotPresent'],
    ['web@sha256:abc', undefined, 'IfNotPresent'],
    ['web:latest', 'Never', 'Never'],
  ] as const)('%s with %s → %s', (image, set, expected) => {
    expect(pullPolicy({ name: 'c', image, ...(set ? { imagePullPolicy: set } : {}) })).toBe(expected)
  })
})

describe('hostPortsOf', () => {
  it('reads the loopback bindings of TCP ports', () => {
    const ports = {
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }],
      '9090/tcp': null,
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '40000' }],
    }
    expect([...hostPortsOf(ports)]).toEqual([[8080, 32768]])
  })
})
