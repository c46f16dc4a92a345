/**
 * @module
 * The route-table contract between the daemon (control plane) and the load balancer (data
 * plane, its own process). The daemon pushes the FULL desired table on every change and
 * periodically (level-triggered, P1): the proxy diffs it against what it serves, so a lost
 * or repeated push is harmless and a restarted daemon needs no recovery code.
 */
import type { ListenFailure } from './data-plane.ts'

/** One replica behind a service port: where the pod listens on this machine. */
export interface Backend {
  podUid: string
  podName: string
  /** The pod's pod-template-hash label ('' when it has none): traffic figures per revision. */
  revision: string
  host: string
  port: number
}

export type ProxyMode = 'http' | 'tcp'

/** One listening address and the replicas it spreads traffic over. */
export interface ServiceRoute {
  namespace: string
  service: string
  portName?: string
  listen: { host: string; port: number }
  mode: ProxyMode
  backends: Backend[]
  /**
   * Share of the requests per revision (the backends' `revision`), applied exactly whatever the
   * number of replicas of each: a Rollout's canary weights (by pod-template-hash), and a fleet's
   * target weights (each target its own revision). A revision left out gets none while a
   * listed one has a replica to take it. Without weights, every replica is equal.
   */
  weights?: Record<string, number>
  /**
   * Requests whose headers match a route go to its revision (a Rollout's setHeaderRoute step,
   * header-route.ts), whatever the weights; the first route that matches wins.
   */
  headerRoutes?: HeaderRoute[]
}

/** One header condition: the header's value equals `exact`, starts with `prefix`, or matches `regex` in full. */
export interface HeaderMatch {
  name: string
  exact?: string
  prefix?: string
  regex?: string
}

/** Every condition of `match` must hold for a request to go to `revision`. */
export interface HeaderRoute {
  revision: string
  match: HeaderMatch[]
}

/** A log-linear latency histogram in a portable form: [upper bound in ms, count] pairs, sparse. */
export interface LatencySnapshot {
  count: number
  sumMs: number
  maxMs: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  buckets: Array<[number, number]>
}

/**
 * Cumulative counters since the proxy started. `errors` = 5xx answers (including the
 * proxy's own 502/503/504) + requests that failed without an answer. Consumers diff two
 * snapshots for a window.
 */
export interface TrafficCounters {
  requests: number
  errors: number
  status: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number }
  /** Attempts to reach a replica that failed (refused, reset, timed out, garbage). */
  failedConnections: number
  latency: LatencySnapshot
}

export interface ServiceTraffic {
  namespace: string
  service: string
  portName?: string
  listen: string
  mode: ProxyMode
  backends: number
  /** Requests waiting for a ready replica right now. */
  waiting: number
  /** Why the listen address could not be opened (retried at every table push). */
  listenError?: string
  totals: TrafficCounters
  /** Keyed by revision (pod-template-hash). */
  revisions: Record<string, TrafficCounters>
}

export interface PodTraffic {
  podUid: string
  podName: string
  revision: string
  /** In the current route table (false: removed, draining or drained). */
  routed: boolean
  inflight: number
  counters: TrafficCounters
}

/** Bad input and failures the data plane absorbed; each is also counted where it belongs. */
export interface Anomalies {
  malformedRequests: number
  oversizedHeads: number
  clientAborts: number
  clientTimeouts: number
  upstreamMalformed: number
  upstreamTimeouts: number
  upstreamResets: number
  retries: number
  noEndpointTimeouts: number
}

export interface TrafficMetrics {
  pid: number
  startedAtMs: number
  services: ServiceTraffic[]
  pods: PodTraffic[]
  anomalies: Anomalies
}

/** The daemon-side view of the load balancer process. */
export interface LoadBalancerControl {
  /** Replaces the whole route table (idempotent); resolves with the addresses it could not open. */
  setRoutes(routes: ServiceRoute[]): Promise<ListenFailure[] | void>
  /** Requests (and upgraded/TCP connections) in flight to the pod now. */
  inflight(podUid: string): Promise<number>
  /**
   * Resolves once the pod is in no route and nothing is in flight to it, or at `deadlineMs`
   * (epoch ms), whichever comes first.
   */
  waitDrained(podUid: string, deadlineMs: number): Promise<void>
  metrics(): Promise<TrafficMetrics>
  ping(): Promise<{ pid: number; version: string }>
}

export function routeKey(r: Pick<ServiceRoute, 'listen'>): string {
  return `${r.listen.host}:${r.listen.port}`
}
