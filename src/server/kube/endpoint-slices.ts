/**
 * @module
 * discovery.k8s.io/v1 EndpointSlices: a read-only view of the Endpoints the endpoints
 * controller keeps, derived as kube-controller-manager's EndpointSliceMirroring derives slices
 * from Endpoints: the endpoints that share one port list go into one slice, labelled
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, owned by the
 * Service. Every Baton replica listens on 127.0.0.1 with a port of its own, so a Service whose
 * pods share no port list gets one slice per pod; pods with the same ports (a headless
 * Service's, a Service without ports) share one.
 *
 *   GET /apis/discovery.k8s.io/v1/endpointslices                              list across namespaces
 *   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices              list or watch (labelSelector, fieldSelector)
 *   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices/{name}       one slice
 *
 * Writes answer 405: the slices follow the Endpoints, which follow the pods.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { age } from '../../api/age.ts'
import { matchesSelector, parseSelector } from '../../api/labels.ts'
import type { AnyObject, EndpointAddress, EndpointPort, Endpoints } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import type { ObjectStore, WatchEvent } from '../../store/types.ts'
import { matchesFields, parseFieldSelector } from '../field-selector.ts'
import { watchResponse } from '../watch.ts'
import { SliceWatch } from './endpoint-slice-watch.ts'
import { includeObjectParam, TABLE_CONTENT_TYPE, wantsTable } from './table.ts'
import { watchListStart } from './watch-list.ts'

export const DISCOVERY_GROUP = 'discovery.k8s.io'
const API_VERSION = 'discovery.k8s.io/v1'
const BASE = '/apis/discovery.k8s.io/v1'
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'
const MANAGED_BY = 'endpointslicemirroring-controller.k8s.io'

interface SliceEndpoint {
  addresses: string[]
  conditions: { ready: boolean; serving: boolean; terminating: boolean }
  hostname?: string
  targetRef?: EndpointAddress['targetRef']
  nodeName?: string
}

export interface EndpointSlice {
  apiVersion: typeof API_VERSION
  kind: 'EndpointSlice'
  metadata: {
    name: string
    namespace: string
    labels: Record<string, string>
    ownerReferences?: Array<{
      apiVersion: string
      kind: string
      name: string
      uid: string
      controller: boolean
      blockOwnerDeletion: boolean
    }>
    creationTimestamp?: string
    resourceVersion?: string
    generation: number
  }
  addressType: 'IPv4'
  endpoints: SliceEndpoint[]
  ports: Array<{ name: string; port: number; protocol: string }>
}

const portKey = (ports: readonly EndpointPort[]) =>
  ports.map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port}`).join(',')

/** The slices of one Endpoints object (a Service's); pure. */
export function slicesOf(ep: Endpoints, serviceUid?: string): EndpointSlice[] {
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: SliceEndpoint[] }>()
  const endpoint = (a: EndpointAddress, ready: boolean): SliceEndpoint => ({
    addresses: [a.ip],
    conditions: { ready, serving: ready, terminating: false },
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.targetRef ? { targetRef: a.targetRef } : {}),
  })
  for (const subset of ep.subsets ?? []) {
    const ports = subset.ports ?? []
    const key = portKey(ports)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { ports, endpoints: [] }))
    for (const a of subset.addresses ?? []) group.endpoints.push(endpoint(a, true))
    for (const a of subset.notReadyAddresses ?? []) group.endpoints.push(endpoint(a, false))
  }
  const service = ep.metadata.name
  const namespace = ep.metadata.namespace ?? 'default'
  return [...groups.entries()].map(([key, g]) => ({
    apiVersion: API_VERSION,
    kind: 'EndpointSlice',
    metadata: {
      // Stable while the port list is: the same slice is the same name from one read to the next.
      name: `${service}-${createHash('sha256').update(key).digest('hex').slice(0, 5)}`,
      namespace,
      labels: { [SERVICE_NAME_LABEL]: service, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
      ...(serviceUid
        ? {
            ownerReferences: [controllerRef('v1', 'Service', { name: service, uid: serviceUid })],
          }
        : {}),
      ...(ep.metadata.creationTimestamp ? { creationTimestamp: ep.metadata.creationTimestamp } : {}),
      ...(ep.metadata.resourceVersion ? { resourceVersion: ep.metadata.resourceVersion } : {}),
      generation: 1,
    },
    addressType: 'IPv4',
    endpoints: g.endpoints,
    ports: g.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  }))
}

/** An Endpoints' slices, owned by its Service when that exists (read now: it may come later). */
const derivedIn =
  (store: ObjectStore) =>
  (ep: Endpoints): EndpointSlice[] =>
    slicesOf(ep, store.get('Service', ep.metadata.namespace ?? 'default', ep.metadata.name)?.metadata.uid)

function slices(store: ObjectStore, namespace: string | undefined): EndpointSlice[] {
  return store.list('Endpoints', namespace === undefined ? {} : { namespace }).items.flatMap(derivedIn(store))
}

/** kube-apiserver's columns for EndpointSlices: NAME, ADDRESSTYPE, PORTS, ENDPOINTS, AGE. */
function tableOf(c: Context, items: readonly EndpointSlice[], now: number, resourceVersion: string) {
  const include = includeObjectParam(c.req.query('includeObject'))
  const col = (name: string, format = '') => ({ name, type: 'string', format, description: '', priority: 0 })
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [col('Name', 'name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    rows: items.map((s) => ({
      cells: [
        s.metadata.name,
        s.addressType,
        s.ports.length ? s.ports.map((p) => p.port).join(',') : '<unset>',
        s.endpoints.length ? s.endpoints.flatMap((e) => e.addresses).join(',') : '<unset>',
        age(s.metadata.creationTimestamp, now),
      ],
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? s
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: s.metadata },
          }),
    })),
  }
}

function table(c: Context, items: readonly EndpointSlice[], now: number, resourceVersion: string): Response {
  return c.body(JSON.stringify(tableOf(c, items, now, resourceVersion)), 200, { 'content-type': TABLE_CONTENT_TYPE })
}

const readOnly = () =>
  new BatonError('BATON_BAD_REQUEST', 'discovery.k8s.io/v1 EndpointSlices are read-only in Baton', {
    httpStatus: 405,
    hint: "They follow the Service's Endpoints, which follow its ready pods; change the pods or the Service instead",
  })

const truthy = (v: string | undefined) => v === 'true' || v === '1'

function list(c: Context, store: ObjectStore, clock: Clock, namespace: string | undefined): Response {
  const fields = parseFieldSelector(c.req.query('fieldSelector'))
  const labels = c.req.query('labelSelector')
  const selector = labels ? parseSelector(labels) : undefined
  const selected = (s: EndpointSlice) =>
    (!selector || matchesSelector(selector, s.metadata.labels)) && matchesFields(s, fields)
  if (truthy(c.req.query('watch'))) return watch(c, store, clock, namespace, selected)
  const resourceVersion = store.currentResourceVersion()
  const items = slices(store, namespace).filter(selected)
  if (wantsTable(c.req.header('accept'))) return table(c, items, clock.now(), resourceVersion)
  return c.json({ apiVersion: API_VERSION, kind: 'EndpointSliceList', metadata: { resourceVersion }, items })
}

/**
 * `?watch=true`: the Endpoints' watch turned into slice events (endpoint-slice-watch.ts), from
 * the resourceVersion asked (410 Gone when the store's history no longer reaches it, as for
 * the stored kinds), or with `sendInitialEvents=true` the current slices first and a bookmark.
 */
function watch(
  c: Context,
  store: ObjectStore,
  clock: Clock,
  namespace: string | undefined,
  selected: (s: EndpointSlice) => boolean,
): Response {
  const opts = namespace === undefined ? {} : { namespace }
  let resourceVersion = c.req.query('resourceVersion') || undefined
  const current = store.currentResourceVersion()
  // The Endpoints at the watch's start, when the watch starts now: the list kubectl just read.
  const startsNow = resourceVersion === current || truthy(c.req.query('sendInitialEvents'))
  const endpoints = startsNow ? store.list('Endpoints', opts) : undefined
  const derive = derivedIn(store)
  const tracker = new SliceWatch(derive, endpoints?.items)
  let initial: Array<{ type: string; object: unknown }> | undefined
  if (endpoints && truthy(c.req.query('sendInitialEvents'))) {
    const items = endpoints.items.flatMap(derive).filter(selected)
    // A slice is not a stored kind, but watchListStart reads only what every object has.
    const start = watchListStart(
      { items: items as unknown as AnyObject[], resourceVersion: endpoints.resourceVersion },
      [],
      {
        kind: 'EndpointSlice',
        apiVersion: API_VERSION,
      },
    )
    resourceVersion = start.resourceVersion
    initial = start.initial
  }
  const timeout = Number(c.req.query('timeoutSeconds') ?? 0)
  const asTable = wantsTable(c.req.header('accept'))
  return watchResponse(store, clock, {
    kind: 'Endpoints',
    opts: { ...opts, ...(resourceVersion ? { resourceVersion } : {}) },
    fields: [],
    ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
    signal: c.req.raw.signal,
    derive: (ev) => tracker.events(ev as WatchEvent<'Endpoints'>).filter((e) => selected(e.object)),
    ...(asTable
      ? {
          encode: (object: unknown, first: boolean) => {
            const s = object as EndpointSlice
            const t = tableOf(c, [s], clock.now(), s.metadata.resourceVersion ?? current)
            return first ? t : { ...t, columnDefinitions: [] }
          },
        }
      : {}),
    ...(initial ? { initial } : {}),
  })
}

export function registerEndpointSliceRoutes(app: Hono, store: ObjectStore, clock: Clock): void {
  app.get(`${BASE}/endpointslices`, (c) => list(c, store, clock, undefined))
  app.get(`${BASE}/namespaces/:ns/endpointslices`, (c) => list(c, store, clock, c.req.param('ns')))
  app.get(`${BASE}/namespaces/:ns/endpointslices/:name`, (c) => {
    const { ns, name } = c.req.param()
    const found = slices(store, ns).find((s) => s.metadata.name === name)
    if (!found) {
      throw new BatonError('BATON_NOT_FOUND', `endpointslices.discovery.k8s.io "${name}" not found`, {
        hint: `List the slices of a Service with \`kubectl get endpointslices -n ${ns} -l ${SERVICE_NAME_LABEL}=NAME\``,
        subject: { kind: 'endpointslices', group: DISCOVERY_GROUP, name },
      })
    }
    if (wantsTable(c.req.header('accept'))) return table(c, [found], clock.now(), store.currentResourceVersion())
    return c.json(found)
  })
  app.post(`${BASE}/namespaces/:ns/endpointslices`, () => {
    throw readOnly()
  })
  app.delete(`${BASE}/namespaces/:ns/endpointslices`, () => {
    throw readOnly()
  })
  for (const method of ['put', 'patch', 'delete'] as const) {
    app[method](`${BASE}/namespaces/:ns/endpointslices/:name`, () => {
      throw readOnly()
    })
  }
}
