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
 *   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices              list (labelSelector, fieldSelector)
 *   GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices/{name}       one slice
 *
 * Writes answer 405: the slices follow the Endpoints, which follow the pods.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { age } from '../../api/age.ts'
import { matchesSelector, parseSelector } from '../../api/labels.ts'
import type { EndpointAddress, EndpointPort, Endpoints } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { Clock } from '../../platform/clock.ts'
import type { ObjectStore } from '../../store/types.ts'
import { matchesFields, parseFieldSelector } from '../field-selector.ts'
import { includeObjectParam, TABLE_CONTENT_TYPE, wantsTable } from './table.ts'

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

function slices(store: ObjectStore, namespace: string | undefined): EndpointSlice[] {
  return store.list('Endpoints', namespace === undefined ? {} : { namespace }).items.flatMap((ep) => {
    const svc = store.get('Service', ep.metadata.namespace ?? 'default', ep.metadata.name)
    return slicesOf(ep, svc?.metadata.uid)
  })
}

/** kube-apiserver's columns for EndpointSlices: NAME, ADDRESSTYPE, PORTS, ENDPOINTS, AGE. */
function table(c: Context, items: EndpointSlice[], now: number, resourceVersion: string): Response {
  const include = includeObjectParam(c.req.query('includeObject'))
  const col = (name: string, format = '') => ({ name, type: 'string', format, description: '', priority: 0 })
  const body = {
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
  return c.body(JSON.stringify(body), 200, { 'content-type': TABLE_CONTENT_TYPE })
}

const readOnly = () =>
  new BatonError('BATON_BAD_REQUEST', 'discovery.k8s.io/v1 EndpointSlices are read-only in Baton', {
    httpStatus: 405,
    hint: "They follow the Service's Endpoints, which follow its ready pods; change the pods or the Service instead",
  })

function list(c: Context, store: ObjectStore, clock: Clock, namespace: string | undefined): Response {
  if (c.req.query('watch') === 'true' || c.req.query('watch') === '1') {
    throw new BatonError('BATON_BAD_REQUEST', 'EndpointSlices cannot be watched in Baton', {
      httpStatus: 405,
      hint: 'Watch the Endpoints of the Service instead (kubectl get endpoints -w)',
    })
  }
  const fields = parseFieldSelector(c.req.query('fieldSelector'))
  const labels = c.req.query('labelSelector')
  const selector = labels ? parseSelector(labels) : undefined
  const resourceVersion = store.currentResourceVersion()
  const items = slices(store, namespace).filter(
    (s) => (!selector || matchesSelector(selector, s.metadata.labels)) && matchesFields(s as never, fields),
  )
  if (wantsTable(c.req.header('accept'))) return table(c, items, clock.now(), resourceVersion)
  return c.json({ apiVersion: API_VERSION, kind: 'EndpointSliceList', metadata: { resourceVersion }, items })
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
