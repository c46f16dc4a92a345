import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { decodeKubeProtobuf } from './protobuf.ts'

// A minimal protobuf writer, for building bodies as client-go encodes them.
const varint = (v: number): number[] => {
  const out: number[] = []
  let x = BigInt.asUintN(64, BigInt(v))
  do {
    const b = Number(x & 0x7fn)
    x >>= 7n
    out.push(x ? b | 0x80 : b)
  } while (x)
  return out
}
const int = (num: number, v: number) => [...varint(num << 3), ...varint(v)]
const bytes = (num: number, b: number[]) => [...varint((num << 3) | 2), ...varint(b.length), ...b]
const str = (num: number, v: string) => bytes(num, [...new TextEncoder().encode(v)])
const entry = (num: number, k: string, v: string) => bytes(num, [...str(1, k), ...str(2, v)])
const body = (apiVersion: string, kind: string, raw: number[]) =>
  new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...bytes(1, [...str(1, apiVersion), ...str(2, kind)]), ...bytes(2, raw)])

const meta = bytes(1, [...str(1, 'rd'), ...str(2, ''), ...entry(11, 'app', 'rd'), ...bytes(8, [])])
const container = [...str(1, 'web'), ...str(2, 'web:v1'), ...bytes(8, []), ...str(14, '')]
const deploymentSpec = [
  ...int(1, 0),
  ...bytes(2, entry(1, 'app', 'rd')),
  ...bytes(3, [...bytes(1, entry(11, 'app', 'rd')), ...bytes(2, [...bytes(2, container), ...int(11, 0)])]),
  ...bytes(4, bytes(2, [...bytes(2, [...int(1, 1), ...str(3, '25%')])])),
]

describe('Kubernetes protobuf bodies', () => {
  it('reads a Namespace as `kubectl create namespace` sends it (empty spec and status dropped)', () => {
    expect(
      decodeKubeProtobuf(body('v1', 'Namespace', [...bytes(1, str(1, 'team')), ...bytes(2, []), ...bytes(3, [])])),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    })
  })

  it('reads a Deployment as its JSON: zero replicas kept, zero values dropped, int-or-string decoded', () => {
    expect(
      decodeKubeProtobuf(body('apps/v1', 'Deployment', [...meta, ...bytes(2, deploymentSpec), ...bytes(3, [])])),
    ).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'rd', labels: { app: 'rd' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'rd' } },
        template: { metadata: { labels: { app: 'rd' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } },
        strategy: { rollingUpdate: { maxSurge: '25%' } },
      },
    })
  })

  it('reads a Service port with a numeric targetPort', () => {
    const port = [...str(1, ''), ...str(2, 'TCP'), ...int(3, 5001), ...bytes(4, [...int(1, 0), ...int(2, 8080)])]
    const svc = decodeKubeProtobuf(
      body('v1', 'Service', [...meta, ...bytes(2, [...bytes(1, port), ...str(4, 'NodePort')])]),
    )
    expect(svc.spec).toEqual({ ports: [{ protocol: 'TCP', port: 5001, targetPort: 8080 }], type: 'NodePort' })
  })

  it.each([
    {
      name: 'a field Baton does not serve, with a value',
      raw: [...meta, ...bytes(2, [...bytes(2, [...bytes(2, [...container, ...int(16, 1)])])])],
      kind: 'Deployment',
    },
    { name: 'a kind not read from protobuf', raw: meta, kind: 'Endpoints' },
    {
      name: 'DeleteOptions asking for a dry run (not read, so refused)',
      raw: bytes(5, str(1, 'All')),
      kind: 'DeleteOptions',
    },
  ])('refuses $name with 415', ({ raw, kind }) => {
    const e = expectBatonError(
      () => decodeKubeProtobuf(body(kind === 'Deployment' ? 'apps/v1' : 'v1', kind, raw)),
      'BATON_BAD_REQUEST',
    )
    expect(e.httpStatus).toBe(415)
  })

  it('reads a Secret as Helm stores a release: data as base64, type and labels', () => {
    const secretMeta = bytes(1, [...str(1, 'sh.helm.release.v1.web.v1'), ...entry(11, 'owner', 'helm')])
    const data = bytes(2, [...str(1, 'release'), ...bytes(2, [0, 1, 255])])
    expect(decodeKubeProtobuf(body('v1', 'Secret', [...secretMeta, ...data, ...str(3, 'helm.sh/release.v1')]))).toEqual(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sh.helm.release.v1.web.v1', labels: { owner: 'helm' } },
        data: { release: 'AAH/' },
        type: 'helm.sh/release.v1',
      },
    )
  })

  it('reads DeleteOptions as a typed client sends them (zero grace kept)', () => {
    const raw = [...int(1, 0), ...bytes(2, str(2, '42')), ...str(4, 'Background')]
    expect(decodeKubeProtobuf(body('v1', 'DeleteOptions', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { resourceVersion: '42' },
      propagationPolicy: 'Background',
    })
  })

  it('refuses a body without the k8s magic', () => {
    expectBatonError(() => decodeKubeProtobuf(new Uint8Array([1, 2, 3, 4, 5])), 'BATON_BAD_REQUEST')
  })
})
