/**
 * @module
 * kubectl's columns for each kind, between NAME and AGE, and the `-o wide` extras: what
 * kube-apiserver's printers (pkg/printers/internalversion/printers.go) put in a Table. One
 * definition for the CLI's tables (cli/printers/tables.ts) and the API's server-side printing
 * (`as=Table`, server/kube/table.ts). Pure: objects and the current time in, cells out.
 */
import { age } from './age.ts'
import { selectorToString } from './labels.ts'
import { podReady, podRestarts, podStatus } from './pod-status.ts'
import { ROLLOUT_HEADERS, rolloutCells } from './rollout-text.ts'
import type {
  ConfigMap,
  Secret,
  ServiceAccount,
  Deployment,
  Endpoints,
  Event,
  Kind,
  Namespace,
  PersistentVolumeClaim,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  Rollout,
  AnalysisRun,
  Service,
  StatefulSet,
} from './types.ts'

export interface Columns<T> {
  /** Headers between NAME and AGE; `age: false` when the kind has no AGE column of its own. */
  headers: string[]
  cells(obj: T, now: number): string[]
  wideHeaders?: string[]
  wideCells?(obj: T, now: number): string[]
  /** Events print LAST SEEN first and have no NAME column. */
  custom?: boolean
}

const n = (v: number | undefined): string => String(v ?? 0)

const containerNames = (t: PodTemplateSpec): string => t.spec.containers.map((c) => c.name).join(',')
const containerImages = (t: PodTemplateSpec): string => t.spec.containers.map((c) => c.image ?? '').join(',')

const deployments: Columns<Deployment> = {
  headers: ['READY', 'UP-TO-DATE', 'AVAILABLE'],
  cells: (d) => [
    `${n(d.status?.readyReplicas)}/${n(d.spec.replicas)}`,
    n(d.status?.updatedReplicas),
    n(d.status?.availableReplicas),
  ],
  wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  wideCells: (d) => [
    containerNames(d.spec.template),
    containerImages(d.spec.template),
    selectorToString(d.spec.selector),
  ],
}

const replicaSets: Columns<ReplicaSet> = {
  headers: ['DESIRED', 'CURRENT', 'READY'],
  cells: (rs) => [n(rs.spec.replicas), n(rs.status?.replicas), n(rs.status?.readyReplicas)],
  wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  wideCells: (rs) => [
    containerNames(rs.spec.template),
    containerImages(rs.spec.template),
    selectorToString(rs.spec.selector),
  ],
}

const statefulSets: Columns<StatefulSet> = {
  headers: ['READY'],
  cells: (s) => [`${n(s.status?.readyReplicas)}/${n(s.spec.replicas)}`],
  wideHeaders: ['CONTAINERS', 'IMAGES'],
  wideCells: (s) => [containerNames(s.spec.template), containerImages(s.spec.template)],
}

/** Baton's extra wide column: the loopback port(s) each replica listens on. */
function podPorts(pod: Pod): string {
  const ports = (pod.status?.portMappings ?? []).map((m) => String(m.hostPort))
  return ports.length ? ports.join(',') : '<none>'
}

const pods: Columns<Pod> = {
  headers: ['READY', 'STATUS', 'RESTARTS'],
  cells: (p, now) => [podReady(p), podStatus(p), podRestarts(p, now)],
  wideHeaders: ['IP', 'NODE', 'PORT'],
  wideCells: (p) => [p.status?.podIP || '<none>', p.spec.nodeName || '<none>', podPorts(p)],
}

export function servicePorts(s: Service): string {
  const ports = s.spec.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
  return ports.length ? ports.join(',') : '<none>'
}

function externalIp(s: Service): string {
  if (s.spec.type !== 'LoadBalancer') return '<none>'
  const ingress = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean)
  return ingress.length ? ingress.join(',') : '<pending>'
}

const services: Columns<Service> = {
  headers: ['TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)'],
  cells: (s) => [s.spec.type ?? 'ClusterIP', s.spec.clusterIP || '<none>', externalIp(s), servicePorts(s)],
  wideHeaders: ['SELECTOR'],
  wideCells: (s) => [
    s.spec.selector && Object.keys(s.spec.selector).length
      ? selectorToString({ matchLabels: s.spec.selector })
      : '<none>',
  ],
}

/** kubectl's formatEndpoints: the first three ip:port pairs, then "+ N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const all: string[] = []
  for (const subset of ep.subsets ?? []) {
    for (const addr of subset.addresses ?? []) {
      const ports = subset.ports?.length ? subset.ports : [undefined]
      for (const port of ports) all.push(port ? `${addr.ip}:${port.port}` : addr.ip)
    }
  }
  if (all.length === 0) return '<none>'
  const shown = all.slice(0, 3).join(',')
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown
}

const endpoints: Columns<Endpoints> = {
  headers: ['ENDPOINTS'],
  cells: (ep) => [formatEndpoints(ep)],
}

const configMaps: Columns<ConfigMap> = {
  headers: ['DATA'],
  cells: (cm) => [String(Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length)],
}

const secrets: Columns<Secret> = {
  headers: ['TYPE', 'DATA'],
  cells: (s) => [s.type ?? 'Opaque', String(Object.keys(s.data ?? {}).length)],
}

const serviceAccounts: Columns<ServiceAccount> = {
  headers: ['SECRETS'],
  cells: (sa) => [String(sa.secrets?.length ?? 0)],
}

const namespaces: Columns<Namespace> = {
  headers: ['STATUS'],
  cells: (ns) => [ns.status?.phase ?? 'Active'],
}

/** "deployment/web": an event's OBJECT cell. */
export function eventObject(ev: Event): string {
  const kind = ev.involvedObject.kind.toLowerCase()
  return ev.involvedObject.name ? `${kind}/${ev.involvedObject.name}` : kind
}

const events: Columns<Event> = {
  custom: true,
  headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  cells: (ev, now) => [
    age(ev.lastTimestamp ?? ev.metadata.creationTimestamp, now),
    ev.type,
    ev.reason,
    eventObject(ev),
    ev.message.trim(),
  ],
  wideHeaders: [
    'LAST SEEN',
    'TYPE',
    'REASON',
    'OBJECT',
    'SUBOBJECT',
    'SOURCE',
    'MESSAGE',
    'FIRST SEEN',
    'COUNT',
    'NAME',
  ],
  wideCells: (ev, now) => [
    age(ev.lastTimestamp ?? ev.metadata.creationTimestamp, now),
    ev.type,
    ev.reason,
    eventObject(ev),
    ev.involvedObject.fieldPath ?? '',
    ev.source?.component ?? '',
    ev.message.trim(),
    age(ev.firstTimestamp ?? ev.metadata.creationTimestamp, now),
    String(ev.count ?? 1),
    ev.metadata.name,
  ],
}

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
}

const claims: Columns<PersistentVolumeClaim> = {
  headers: ['STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS'],
  cells: (c) => [
    c.status?.phase ?? 'Pending',
    c.spec.volumeName ?? '',
    String(c.status?.capacity?.storage ?? ''),
    (c.status?.accessModes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(','),
    c.spec.storageClassName ?? '<unset>',
    '<unset>',
  ],
  wideHeaders: ['VOLUMEMODE'],
  wideCells: (c) => [c.spec.volumeMode ?? 'Filesystem'],
}

/** Argo's printer columns for AnalysisRuns: the verdict, and why in -o wide. */
const analysisRuns: Columns<AnalysisRun> = {
  headers: ['STATUS'],
  cells: (r) => [r.status?.phase ?? 'Pending'],
  wideHeaders: ['MESSAGE'],
  wideCells: (r) => [r.status?.message ?? ''],
}

export const COLUMNS: Partial<Record<Kind, Columns<never>>> = {
  Deployment: deployments,
  ReplicaSet: replicaSets,
  StatefulSet: statefulSets,
  Pod: pods,
  Service: services,
  Endpoints: endpoints,
  ConfigMap: configMaps,
  Secret: secrets,
  ServiceAccount: serviceAccounts,
  Event: events,
  Rollout: { headers: ROLLOUT_HEADERS, cells: rolloutCells } satisfies Columns<Rollout>,
  PersistentVolumeClaim: claims,
  AnalysisRun: analysisRuns,
  Namespace: namespaces,
} as Partial<Record<Kind, Columns<never>>>
