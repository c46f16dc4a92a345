/**
 * @module
 * The data plane's live view of the route table: per listen address a RouteState, per
 * replica of that route an EndpointState (its connection pool and in-flight count), and per
 * pod a PodState shared by every route the pod is in (drain and per-pod figures are per pod).
 * Applying a new table keeps the state of replicas that stay, so their pools and counters
 * survive a push that changes nothing for them.
 */
import type { BalancePolicy, ProxyTimeouts } from './defaults.ts'
import { TrafficStats } from './traffic-stats.ts'
import type { Backend, ServiceRoute } from './types.ts'
import { UpstreamPool } from './upstream-pool.ts'

export class PodState {
  readonly podUid: string
  podName: string
  revision: string
  inflight = 0
  /** Number of routes that list this pod. */
  routes = 0
  removedAtMs = 0
  readonly stats = new TrafficStats()

  constructor(b: Backend) {
    this.podUid = b.podUid
    this.podName = b.podName
    this.revision = b.revision
  }

  get routed(): boolean {
    return this.routes > 0
  }
}

export class EndpointState {
  readonly key: string
  readonly backend: Backend
  readonly pod: PodState
  readonly pool: UpstreamPool
  readonly revisionStats: TrafficStats
  inflight = 0
  routed = true

  constructor(b: Backend, pod: PodState, revisionStats: TrafficStats, maxIdle: number) {
    this.key = endpointKey(b)
    this.backend = b
    this.pod = pod
    this.pool = new UpstreamPool(b.host, b.port, maxIdle)
    this.revisionStats = revisionStats
  }
}

/** Someone waiting for this route to get a replica (a request, or a TCP connection). */
export interface EndpointWaiter {
  endpointsAvailable(): void
}

export class RouteState {
  route: ServiceRoute
  endpoints: EndpointState[] = []
  cursor = 0
  readonly stats = new TrafficStats()
  readonly revisions = new Map<string, TrafficStats>()
  readonly waiters = new Set<EndpointWaiter>()
  listenError = ''

  constructor(route: ServiceRoute) {
    this.route = route
  }

  revisionStats(revision: string): TrafficStats {
    let s = this.revisions.get(revision)
    if (!s) {
      s = new TrafficStats()
      this.revisions.set(revision, s)
    }
    return s
  }
}

export interface PlaneConfig {
  timeouts: ProxyTimeouts
  policy: BalancePolicy
}

export function endpointKey(b: Backend): string {
  return `${b.podUid}|${b.host}:${b.port}`
}

/**
 * Replaces `rs`'s replicas with `route.backends`, reusing the state of the ones that stay.
 * Returns the endpoints that left (the caller closes their idle connections and checks
 * whether their pods drained).
 */
export function applyBackends(
  rs: RouteState,
  route: ServiceRoute,
  pods: Map<string, PodState>,
  maxIdle: number,
): EndpointState[] {
  const old = new Map(rs.endpoints.map((e) => [e.key, e]))
  const next: EndpointState[] = []
  for (const b of route.backends) {
    const key = endpointKey(b)
    const kept = old.get(key)
    if (kept) {
      old.delete(key)
      next.push(kept)
      continue
    }
    let pod = pods.get(b.podUid)
    if (!pod) {
      pod = new PodState(b)
      pods.set(b.podUid, pod)
    }
    pod.podName = b.podName
    pod.revision = b.revision
    pod.routes++
    next.push(new EndpointState(b, pod, rs.revisionStats(b.revision), maxIdle))
  }
  for (const gone of old.values()) {
    gone.routed = false
    gone.pod.routes--
    gone.pool.close()
  }
  rs.route = route
  rs.endpoints = next
  return [...old.values()]
}
