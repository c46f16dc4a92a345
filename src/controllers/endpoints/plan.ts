/**
 * @module
 * The Endpoints a Service should have, from the pods it selects (pure). Kubernetes' rules,
 * on one machine:
 * - a pod counts when the selector matches its labels, it is not terminating (no
 *   deletionTimestamp: deleting a pod takes it out of every service FIRST, which is what
 *   lets the load balancer drain it before the pod is told to stop) and it has not finished
 *   (phase Succeeded/Failed); a pod kept warm by a Deployment's warm window
 *   (`baton.dev/warm-until`) is out of every service until it is brought back;
 * - ready pods (condition Ready=True) go under `addresses`, others under
 *   `notReadyAddresses`;
 * - every replica listens on 127.0.0.1 with its own port: the subset carries, per service
 *   port, the pod's hostPort (status.portMappings) for the targetPort, which names a
 *   containerPort by number or by name (default: the service port's number). A port the
 *   pod does not declare is left out for that pod; a pod with none of the ports is left out.
 * - one subset per pod (Endpoints are per pod here, see api/types.ts), sorted by pod name so
 *   that an unchanged world plans an identical object (no needless writes);
 * - an address carries the pod's `hostname` when the pod has one and its `subdomain` names
 *   this service (upstream's ShouldSetHostname): how a StatefulSet member's stable name
 *   (`web-0.web`) is published; a headless Service without ports still lists its pods.
 */
import type { EndpointPort, EndpointSubset, Endpoints, Pod, Service, ServicePort } from '../../api/types.ts'
import { isPodReady } from '../../api/pod-readiness.ts'
import { isHeadless } from '../../api/service-listen.ts'
import { isPodWarm } from '../../api/warm-window.ts'

export const LOOPBACK_IP = '127.0.0.1'

/** A selector-less service has user-managed Endpoints, which the controller leaves alone. */
export function managesEndpoints(svc: Service): boolean {
  return Object.keys(svc.spec.selector ?? {}).length > 0
}

export function selects(svc: Service, pod: Pod): boolean {
  if ((svc.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false
  const sel = svc.spec.selector ?? {}
  const keys = Object.keys(sel)
  if (keys.length === 0) return false
  const labels = pod.metadata.labels ?? {}
  return keys.every((k) => labels[k] === sel[k])
}

/** Services whose endpoints depend on `pod`. */
export function servicesSelecting(pod: Pod, services: readonly Service[]): Service[] {
  return services.filter((s) => selects(s, pod))
}

/** The pod's loopback port for a service port, or undefined when the pod does not declare it. */
export function resolveHostPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port
  let containerPort: number | undefined
  let name: string | undefined
  let declaredHostPort: number | undefined
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (typeof target === 'number' ? p.containerPort === target : p.name === target) {
        containerPort = p.containerPort
        name = p.name
        declaredHostPort = p.hostPort
      }
    }
  }
  if (containerPort === undefined) {
    if (typeof target === 'string') return undefined
    containerPort = target
  }
  const mapping = pod.status?.portMappings?.find(
    (m) => m.containerPort === containerPort && (name === undefined || m.name === undefined || m.name === name),
  )
  return mapping?.hostPort ?? declaredHostPort
}

/** Not to be served: terminating, finished, or kept warm out of service (api/warm-window.ts). */
function outOfService(pod: Pod): boolean {
  const phase = pod.status?.phase
  return pod.metadata.deletionTimestamp !== undefined || phase === 'Succeeded' || phase === 'Failed' || isPodWarm(pod)
}

export function podSubset(svc: Service, pod: Pod): EndpointSubset | undefined {
  const ports: EndpointPort[] = []
  const servicePorts = svc.spec.ports ?? []
  for (const sp of servicePorts) {
    const port = resolveHostPort(pod, sp)
    if (port === undefined) continue
    ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' })
  }
  if (ports.length === 0 && !(servicePorts.length === 0 && isHeadless(svc))) return undefined
  const address = {
    ip: LOOPBACK_IP,
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec.hostname } : {}),
    targetRef: {
      kind: 'Pod' as const,
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? 'default',
      uid: pod.metadata.uid ?? '',
    },
  }
  const withPorts = ports.length > 0 ? { ports } : {}
  return isPodReady(pod) ? { addresses: [address], ...withPorts } : { notReadyAddresses: [address], ...withPorts }
}

/** Upstream's ShouldSetHostname: the pod names this service as its subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return (
    (pod.spec.hostname ?? '') !== '' &&
    pod.spec.subdomain === svc.metadata.name &&
    (pod.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default')
  )
}

/** The Endpoints object `svc` should have given `pods` (any namespace; filtered here). */
export function desiredEndpoints(svc: Service, pods: readonly Pod[]): Endpoints {
  const subsets: EndpointSubset[] = []
  const chosen = pods
    .filter((p) => selects(svc, p) && !outOfService(p))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
  for (const pod of chosen) {
    const s = podSubset(svc, pod)
    if (s) subsets.push(s)
  }
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace ?? 'default',
      ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}),
    },
    subsets,
  }
}

/** Whether a stored Endpoints already says what `desired` says (subsets and labels). */
export function endpointsEqual(current: Endpoints, desired: Endpoints): boolean {
  return (
    JSON.stringify(current.subsets ?? []) === JSON.stringify(desired.subsets ?? []) &&
    JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(desired.metadata.labels ?? {})
  )
}

/** Set on every write: when the change that caused it was seen (as Kubernetes does). */
export const LAST_CHANGE_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time'

/** What the endpoints controller does for one service key (planEndpoints' answer). */
export type EndpointsAction =
  | { type: 'create'; endpoints: Endpoints }
  | { type: 'update'; endpoints: Endpoints }
  | { type: 'delete' }
  | { type: 'none'; why: 'unchanged' | 'unmanaged' }

export interface EndpointsWorld {
  /** The Service of this key, if it exists. */
  service: Service | undefined
  /** The Endpoints of this key, if they exist. */
  current: Endpoints | undefined
  /** Candidate pods (any; planEndpoints keeps those the service selects). */
  pods: readonly Pod[]
}

/**
 * The endpoints controller's decision for one key (Kubernetes' syncService, as data):
 * - no service: its Endpoints die with it when the controller wrote them (they carry
 *   LAST_CHANGE_ANNOTATION); hand-made ones (no service ever) are left alone;
 * - a selector-less service: its Endpoints are the user's, left alone;
 * - otherwise the Endpoints become desiredEndpoints', stamped with `now` in
 *   LAST_CHANGE_ANNOTATION, and an unchanged world writes nothing.
 * An update carries the current object's metadata (resourceVersion included), so the write
 * is a compare-and-swap on what was read.
 */
export function planEndpoints(world: EndpointsWorld, now: string): EndpointsAction {
  const { service, current } = world
  if (!service) {
    return current && current.metadata.annotations?.[LAST_CHANGE_ANNOTATION] !== undefined
      ? { type: 'delete' }
      : { type: 'none', why: 'unmanaged' }
  }
  if (!managesEndpoints(service)) return { type: 'none', why: 'unmanaged' }
  const desired = desiredEndpoints(service, world.pods)
  if (current && endpointsEqual(current, desired)) return { type: 'none', why: 'unchanged' }
  const annotations = { ...current?.metadata.annotations, [LAST_CHANGE_ANNOTATION]: now }
  if (!current) return { type: 'create', endpoints: { ...desired, metadata: { ...desired.metadata, annotations } } }
  return {
    type: 'update',
    endpoints: {
      ...current,
      metadata: { ...current.metadata, labels: desired.metadata.labels ?? {}, annotations },
      subsets: desired.subsets ?? [],
    },
  }
}
