/**
 * @module
 * `get` tables: kubectl's columns for each kind (NAME first, AGE last), the `-o wide`
 * extras, an optional NAMESPACE column (`-A`) and `TYPE/name` names (`get all`). Pure: objects
 * and the current time in, text out.
 */
import { selectorToString } from '../../api/labels.ts'
import { qualifiedSingular } from '../../api/resources.ts'
import type {
  AnyObject,
  ConfigMap,
  Deployment,
  Endpoints,
  Event,
  Kind,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  Service,
  StatefulSet,
  PersistentVolumeClaim,
} from '../../api/types.ts'
import { age } from '../../api/age.ts'
import { podReady, podRestarts, podStatus } from './pod-status.ts'
import { table } from './tabwriter.ts'

export interface TableOptions {
  /** Epoch ms, for AGE. */
  now: number
  wide?: boolean
  /** Adds NAMESPACE as the first column (`get -A`). */
  withNamespace?: boolean
  /** Names rows `deployment.apps/web` (`get all`, several types in one command). */
  withKind?: boolean
  /**
   * Leaves out the header row (later rows of `get -w`); columns are still at least as wide
   * as their headers, so the rows stay under the header printed first.
   */
  noHeaders?: boolean
  /** kubectl's `--no-headers`: no header row, and columns only as wide as their cells. */
  headerless?: boolean
  /** `-L KEY`: a column per label key, headed by the key's last path segment in capitals. */
  labelColumns?: readonly string[]
  /** `--show-labels`: a last LABELS column, `key=value,...` sorted by key. */
  showLabels?: boolean
}

/** kubectl's labels.FormatLabels: `a=1,b=2` in key order, `<none>` for none. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort()
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>'
}

/** The headers and cells kubectl's decorateTable appends after a kind's own columns. */
function labelHeaders(opts: TableOptions): string[] {
  const columns = (opts.labelColumns ?? []).map((l) => l.split('/').pop()!.toUpperCase())
  return opts.showLabels ? [...columns, 'LABELS'] : columns
}

function labelCells(o: AnyObject, opts: TableOptions): string[] {
  const labels = o.metadata.labels ?? {}
  const columns = (opts.labelColumns ?? []).map((key) => labels[key] ?? '')
  return opts.showLabels ? [...columns, formatLabels(labels)] : columns
}

interface Columns<T> {
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

const COLUMNS: Partial<Record<Kind, Columns<never>>> = {
  Deployment: deployments,
  ReplicaSet: replicaSets,
  StatefulSet: statefulSets,
  Pod: pods,
  Service: services,
  Endpoints: endpoints,
  ConfigMap: configMaps,
  Event: events,
  PersistentVolumeClaim: claims,
} as Partial<Record<Kind, Columns<never>>>

/** One kind's objects as kubectl's table; '' for no objects (the caller says "No resources found"). */
export function printTable(kind: Kind, objects: readonly AnyObject[], opts: TableOptions): string {
  if (objects.length === 0) return ''
  const cols = (COLUMNS[kind] ?? { headers: [], cells: () => [] }) as Columns<AnyObject>
  const rows: string[][] = []
  const ns = (o: AnyObject): string[] => (opts.withNamespace ? [o.metadata.namespace ?? ''] : [])
  const nsHeader = opts.withNamespace ? ['NAMESPACE'] : []
  if (cols.custom) {
    const wide = opts.wide && cols.wideCells
    rows.push([...nsHeader, ...(wide ? (cols.wideHeaders ?? []) : cols.headers), ...labelHeaders(opts)])
    for (const o of objects)
      rows.push([...ns(o), ...(wide ? cols.wideCells!(o, opts.now) : cols.cells(o, opts.now)), ...labelCells(o, opts)])
    return layout(rows, opts)
  }
  const wide = opts.wide && cols.wideCells
  rows.push([
    ...nsHeader,
    'NAME',
    ...cols.headers,
    'AGE',
    ...(wide ? (cols.wideHeaders ?? []) : []),
    ...labelHeaders(opts),
  ])
  for (const o of objects) {
    const name = opts.withKind ? `${qualifiedSingular(kind)}/${o.metadata.name}` : o.metadata.name
    rows.push([
      ...ns(o),
      name,
      ...cols.cells(o, opts.now),
      age(o.metadata.creationTimestamp, opts.now),
      ...(wide ? cols.wideCells!(o, opts.now) : []),
      ...labelCells(o, opts),
    ])
  }
  return layout(rows, opts)
}

/** Rows (header first) aligned; the header laid out and cut (noHeaders) or left out (headerless). */
function layout(rows: string[][], opts: TableOptions): string {
  if (opts.headerless) return table(rows.slice(1))
  const text = table(rows)
  return opts.noHeaders ? text.slice(text.indexOf('\n') + 1) : text
}
