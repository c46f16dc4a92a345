/**
 * @module
 * Kubernetes' protobuf bodies (`application/vnd.kubernetes.protobuf`), which client-go's typed
 * clients send: `kubectl create deployment`, `kubectl create configmap`, `kubectl create namespace`,
 * `kubectl expose`.
 * The body is the `k8s\0` magic and a runtime.Unknown whose `raw` is the object's message; the
 * field numbers below are those of k8s.io/api's generated.proto for the fields Baton serves.
 * Protobuf writes every non-pointer field, so a zero value reads as absent (JSON's omitempty);
 * a field Baton does not know that carries a value is refused (415, send JSON), never dropped.
 *
 * decodeKubeProtobuf(bytes) -> {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {...}, spec: {...}}
 */
import { BatonError } from '../../errors/baton-error.ts'

type Scalar = 'string' | 'int' | 'bool' | 'bytes'
interface Field {
  name: string
  /** A scalar, a message's name in SCHEMAS, or a special decoding. */
  type: Scalar | 'time' | 'quantity' | 'intOrString' | string
  repeated?: boolean
  /** map<string, value>: entries with key 1 and value 2. */
  map?: Scalar | 'quantity'
  /** A pointer field in Go: zero is a value, not absence (replicas: 0). */
  keepZero?: boolean
}
type Schema = Record<number, Field>

const s = (name: string): Field => ({ name, type: 'string' })
const n = (name: string, keepZero = false): Field => ({ name, type: 'int', keepZero })
const m = (name: string, type: string, repeated = false): Field => ({ name, type, repeated })

const SCHEMAS: Record<string, Schema> = {
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    6: s('resourceVersion'),
    8: { name: 'creationTimestamp', type: 'time' },
    11: { name: 'labels', type: 'map', map: 'string' },
    12: { name: 'annotations', type: 'map', map: 'string' },
  },
  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec'), 3: m('status', 'Empty') },
  DeploymentSpec: {
    1: n('replicas', true),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: n('minReadySeconds'),
    6: n('revisionHistoryLimit', true),
    7: { name: 'paused', type: 'bool' },
    9: n('progressDeadlineSeconds', true),
  },
  DeploymentStrategy: { 1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: {
    1: { name: 'maxUnavailable', type: 'intOrString' },
    2: { name: 'maxSurge', type: 'intOrString' },
  },
  LabelSelector: {
    1: { name: 'matchLabels', type: 'map', map: 'string' },
    2: m('matchExpressions', 'LabelSelectorRequirement', true),
  },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: { name: 'values', type: 'string', repeated: true } },
  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    2: m('containers', 'Container', true),
    3: s('restartPolicy'),
    4: n('terminationGracePeriodSeconds', true),
    7: { name: 'nodeSelector', type: 'map', map: 'string' },
    14: m('securityContext', 'Empty'),
  },
  Container: {
    1: s('name'),
    2: s('image'),
    3: { name: 'command', type: 'string', repeated: true },
    4: { name: 'args', type: 'string', repeated: true },
    5: s('workingDir'),
    6: m('ports', 'ContainerPort', true),
    7: m('env', 'EnvVar', true),
    8: m('resources', 'ResourceRequirements'),
    13: s('terminationMessagePath'),
    14: s('imagePullPolicy'),
    20: s('terminationMessagePolicy'),
  },
  ContainerPort: { 1: s('name'), 2: n('hostPort'), 3: n('containerPort'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value') },
  ResourceRequirements: {
    1: { name: 'limits', type: 'map', map: 'quantity' },
    2: { name: 'requests', type: 'map', map: 'quantity' },
  },
  ConfigMap: {
    1: m('metadata', 'ObjectMeta'),
    2: { name: 'data', type: 'map', map: 'string' },
    3: { name: 'binaryData', type: 'map', map: 'bytes' },
    4: { name: 'immutable', type: 'bool', keepZero: true },
  },
  Secret: {
    1: m('metadata', 'ObjectMeta'),
    2: { name: 'data', type: 'map', map: 'bytes' },
    3: s('type'),
    4: { name: 'stringData', type: 'map', map: 'string' },
    5: { name: 'immutable', type: 'bool', keepZero: true },
  },
  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec'), 3: m('status', 'ServiceStatus') },
  ServiceSpec: {
    1: m('ports', 'ServicePort', true),
    2: { name: 'selector', type: 'map', map: 'string' },
    3: s('clusterIP'),
    4: s('type'),
    7: s('sessionAffinity'),
  },
  ServicePort: {
    1: s('name'),
    2: s('protocol'),
    3: n('port'),
    4: { name: 'targetPort', type: 'intOrString' },
    5: n('nodePort'),
  },
  ServiceStatus: { 1: m('loadBalancer', 'Empty') },
  /** What Helm's typed client sends with a delete; dryRun and orphanDependents are not read (refused when set). */
  DeleteOptions: {
    1: n('gracePeriodSeconds', true),
    2: m('preconditions', 'Preconditions'),
    4: s('propagationPolicy'),
  },
  Preconditions: { 1: s('uid'), 2: s('resourceVersion') },
  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec'), 3: m('status', 'NamespaceStatus') },
  NamespaceSpec: { 1: { name: 'finalizers', type: 'string', repeated: true } },
  NamespaceStatus: { 1: s('phase') },
  /** A message Baton reads only when it is empty (a status on create). */
  Empty: {},
}

/** The kinds a protobuf body may carry, by apiVersion/kind. */
const TOP: Record<string, string> = {
  'apps/v1/Deployment': 'Deployment',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'v1/Namespace': 'Namespace',
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
}

const refuse = (why: string) =>
  new BatonError('BATON_BAD_REQUEST', `the protobuf body cannot be read by Baton: ${why}`, {
    httpStatus: 415,
    hint: 'Send the object as JSON or YAML, e.g. `kubectl create … --dry-run=client -o yaml | kubectl apply -f -`',
  })

interface Raw {
  num: number
  wire: number
  int?: bigint
  bytes?: Uint8Array
}

function fields(buf: Uint8Array): Raw[] {
  const out: Raw[] = []
  let i = 0
  const varint = (): bigint => {
    let v = 0n
    let shift = 0n
    for (;;) {
      if (i >= buf.length) throw refuse('a varint runs past the end')
      const b = buf[i++]!
      v |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return v
      shift += 7n
      if (shift > 63n) throw refuse('a varint is too long')
    }
  }
  while (i < buf.length) {
    const key = Number(varint())
    const num = key >>> 3
    const wire = key & 7
    if (wire === 0) out.push({ num, wire, int: varint() })
    else if (wire === 2) {
      const len = Number(varint())
      if (i + len > buf.length) throw refuse('a field runs past the end')
      out.push({ num, wire, bytes: buf.subarray(i, i + len) })
      i += len
    } else throw refuse(`wire type ${wire} is not used by Kubernetes objects`)
  }
  return out
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array())

/** int64 varints are two's complement: negative numbers come back as large unsigned ones. */
const signed = (v: bigint | undefined) => Number(BigInt.asIntN(64, v ?? 0n))

function scalar(type: Scalar, f: Raw): unknown {
  if (type === 'string') return text(f.bytes)
  if (type === 'bytes') return btoa(String.fromCharCode(...(f.bytes ?? [])))
  if (type === 'bool') return (f.int ?? 0n) !== 0n
  return signed(f.int)
}

const isZero = (v: unknown) =>
  v === '' || v === 0 || v === false || (typeof v === 'object' && v !== null && Object.keys(v).length === 0)

function decodeMessage(name: string, buf: Uint8Array): Record<string, unknown> {
  const schema = SCHEMAS[name]!
  const out: Record<string, unknown> = {}
  for (const f of fields(buf)) {
    const def = schema[f.num]
    if (!def) {
      // Protobuf writes zero values too: an unknown field without a value says nothing.
      if ((f.wire === 0 && f.int === 0n) || (f.wire === 2 && f.bytes?.length === 0)) continue
      throw refuse(`field ${f.num} of ${name} is not one Baton serves`)
    }
    const value = decodeField(def, f)
    if (def.map) {
      const entry = value as [string, unknown]
      out[def.name] = { ...(out[def.name] as object), [entry[0]]: entry[1] }
    } else if (def.repeated) (out[def.name] as unknown[] | undefined)?.push(value) ?? (out[def.name] = [value])
    else out[def.name] = value
  }
  for (const [key, v] of Object.entries(out)) {
    const def = Object.values(schema).find((d) => d.name === key)
    if (v === undefined || (isZero(v) && !def?.keepZero && !def?.repeated)) delete out[key]
  }
  return out
}

function decodeField(def: Field, f: Raw): unknown {
  if (def.map) {
    const [k, v] = [
      fields(f.bytes ?? new Uint8Array()).find((e) => e.num === 1),
      fields(f.bytes ?? new Uint8Array()).find((e) => e.num === 2),
    ]
    const value =
      def.map === 'quantity'
        ? text(v?.bytes && fields(v.bytes).find((e) => e.num === 1)?.bytes)
        : v
          ? scalar(def.map, v)
          : ''
    return [text(k?.bytes), value]
  }
  switch (def.type) {
    case 'string':
    case 'int':
    case 'bool':
    case 'bytes':
      return scalar(def.type, f)
    case 'time': {
      const t = fields(f.bytes ?? new Uint8Array())
      const seconds = signed(t.find((e) => e.num === 1)?.int)
      return seconds ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined
    }
    case 'intOrString': {
      const t = fields(f.bytes ?? new Uint8Array())
      const isString = signed(t.find((e) => e.num === 1)?.int) === 1
      return isString ? text(t.find((e) => e.num === 3)?.bytes) : signed(t.find((e) => e.num === 2)?.int)
    }
    default:
      return decodeMessage(def.type, f.bytes ?? new Uint8Array())
  }
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00]

/** The object in a Kubernetes protobuf body, as its JSON would be. */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw refuse('it does not start with the k8s magic')
  const unknown = fields(body.subarray(4))
  const typeMeta = fields(unknown.find((f) => f.num === 1)?.bytes ?? new Uint8Array())
  const apiVersion = text(typeMeta.find((f) => f.num === 1)?.bytes)
  const kind = text(typeMeta.find((f) => f.num === 2)?.bytes)
  const message = TOP[`${apiVersion}/${kind}`]
  if (!message) throw refuse(`${apiVersion} ${kind} is not read from protobuf`)
  const encoding = text(unknown.find((f) => f.num === 3)?.bytes)
  if (encoding) throw refuse(`content encoding ${encoding}`)
  return { apiVersion, kind, ...decodeMessage(message, unknown.find((f) => f.num === 2)?.bytes ?? new Uint8Array()) }
}
