/**
 * @module
 * The in-process data plane: the route table applied to listeners, pools and counters, and
 * the questions the control plane asks of it (in flight per pod, drained yet, traffic
 * figures). One instance runs in each worker process of the proxy (proxy/cluster.ts sums
 * their answers), or alone in tests.
 */
import { monotonicNow, systemClock, type Clock, type TimerHandle } from '../platform/clock.ts'
import { silentLogger, type Logger } from '../platform/logger.ts'
import {
  DEFAULT_BALANCE_POLICY,
  DEFAULT_POD_METRICS_RETENTION_MS,
  DEFAULT_TIMEOUTS,
  type BalancePolicy,
  type ProxyTimeouts,
} from './defaults.ts'
import { DrainWaiters } from './drain.ts'
import type { ConnTransition, PlaneContext } from './http-proxy.ts'
import { Listener } from './listeners.ts'
import { applyBackends, RouteState, type EndpointState, type PodState } from './route-state.ts'
import { emptyAnomalies } from './traffic-stats.ts'
import { routeKey, type ServiceRoute, type TrafficMetrics } from './types.ts'

export interface DataPlaneOptions {
  timeouts?: Partial<ProxyTimeouts>
  policy?: BalancePolicy
  clock?: Clock
  /** Monotonic ms for latency; performance.now by default. */
  hrNow?: () => number
  logger?: Logger
}

/** A listen address the table asked for that could not be opened. */
export interface ListenFailure {
  listen: string
  service: string
  error: string
}

const SWEEP_INTERVAL_MS = 1_000

export class DataPlane {
  readonly #ctx: PlaneContext
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #routes = new Map<string, RouteState>()
  readonly #listeners = new Map<string, Listener>()
  readonly #pods = new Map<string, PodState>()
  readonly #drain: DrainWaiters
  readonly #startedAtMs: number
  #sweep: TimerHandle | undefined
  #closed = false

  constructor(opts: DataPlaneOptions = {}) {
    const clock = opts.clock ?? systemClock
    this.#clock = clock
    this.#logger = opts.logger ?? silentLogger
    this.#drain = new DrainWaiters(clock)
    this.#startedAtMs = clock.now()
    // Monotonic time for latencies (platform/), injectable for tests.
    const hrNow = opts.hrNow ?? monotonicNow
    const pods = this.#pods
    const drain = this.#drain
    this.#ctx = {
      timeouts: { ...DEFAULT_TIMEOUTS, ...opts.timeouts },
      policy: opts.policy ?? DEFAULT_BALANCE_POLICY,
      anomalies: emptyAnomalies(),
      nowMs: () => clock.now(),
      hrNow,
      setTimer: (fn, ms) => clock.setTimeout(fn, ms),
      endpointDone(ep: EndpointState) {
        ep.inflight--
        const pod = ep.pod
        pod.inflight--
        if (pod.routes === 0 && pod.inflight === 0) drain.check(pod.podUid, pods.get(pod.podUid))
      },
      ...(this.#logger.debugEnabled
        ? { traceState: (t: ConnTransition) => this.#logger.debug('connection state changed', { ...t }) }
        : {}),
    }
    this.#scheduleSweep()
  }

  /** Makes the served table equal to `routes`; returns the listen addresses that failed to open. */
  async setRoutes(routes: ServiceRoute[]): Promise<ListenFailure[]> {
    if (this.#closed) return []
    const desired = new Map(routes.map((r) => [routeKey(r), r]))
    const now = this.#clock.now()
    const left: EndpointState[] = []
    for (const [key, rs] of this.#routes) {
      const want = desired.get(key)
      if (want && want.mode === rs.route.mode) continue
      this.#listeners.get(key)?.close()
      this.#listeners.delete(key)
      left.push(...applyBackends(rs, { ...rs.route, backends: [] }, this.#pods, 0))
      this.#routes.delete(key)
    }
    const opening: Array<Promise<ListenFailure | undefined>> = []
    for (const [key, route] of desired) {
      let rs = this.#routes.get(key)
      if (!rs) {
        rs = new RouteState(route)
        this.#routes.set(key, rs)
      }
      left.push(...applyBackends(rs, route, this.#pods, this.#ctx.timeouts.maxIdlePerBackend))
      if (rs.endpoints.length > 0 && rs.waiters.size > 0) {
        for (const w of [...rs.waiters]) w.endpointsAvailable()
      }
      // A listener still opening (an earlier push) is waited for, not opened twice.
      const l = this.#listeners.get(key)
      if (!l) opening.push(this.#open(key, rs))
      else if (l.opening !== undefined)
        opening.push(
          l.opening.then(
            () => undefined,
            () => undefined,
          ),
        )
    }
    for (const ep of left) {
      if (ep.pod.routes === 0) {
        ep.pod.removedAtMs = now
        this.#drain.check(ep.pod.podUid, ep.pod)
      }
    }
    this.#prunePods(now)
    const failures = (await Promise.all(opening)).filter((f) => f !== undefined)
    return failures
  }

  async #open(key: string, rs: RouteState): Promise<ListenFailure | undefined> {
    const l = new Listener(rs, this.#ctx)
    this.#listeners.set(key, l)
    try {
      await l.open()
      rs.listenError = ''
      return undefined
    } catch (err) {
      if (this.#listeners.get(key) !== l) return undefined // replaced or removed meanwhile
      this.#listeners.delete(key)
      rs.listenError = (err as Error).message
      this.#logger.error('cannot listen for service', { listen: key, service: rs.route.service, err })
      return { listen: key, service: `${rs.route.namespace}/${rs.route.service}`, error: rs.listenError }
    }
  }

  routes(): ServiceRoute[] {
    return [...this.#routes.values()].map((rs) => rs.route)
  }

  inflight(podUid: string): number {
    return this.#pods.get(podUid)?.inflight ?? 0
  }

  /** True once the pod is out of every route with nothing in flight; false at the deadline. */
  waitDrained(podUid: string, deadlineMs: number): Promise<boolean> {
    return this.#drain.wait(podUid, this.#pods.get(podUid), deadlineMs)
  }

  metrics(pid = process.pid): TrafficMetrics {
    return {
      pid,
      startedAtMs: this.#startedAtMs,
      services: [...this.#routes.entries()].map(([key, rs]) => ({
        namespace: rs.route.namespace,
        service: rs.route.service,
        ...(rs.route.portName !== undefined ? { portName: rs.route.portName } : {}),
        listen: key,
        mode: rs.route.mode,
        backends: rs.endpoints.length,
        waiting: rs.waiters.size,
        ...(rs.listenError ? { listenError: rs.listenError } : {}),
        totals: rs.stats.snapshot(),
        revisions: Object.fromEntries([...rs.revisions].map(([rev, s]) => [rev, s.snapshot()])),
      })),
      pods: [...this.#pods.values()].map((p) => ({
        podUid: p.podUid,
        podName: p.podName,
        revision: p.revision,
        routed: p.routes > 0,
        inflight: p.inflight,
        counters: p.stats.snapshot(),
      })),
      anomalies: { ...this.#ctx.anomalies },
    }
  }

  /**
   * Hands over to a replacement that listens on the same addresses (SO_REUSEPORT): stops
   * accepting, and every client connection ends after its next answer. Returns the number
   * of client connections still open; call `closeIdle` for those that send nothing more.
   */
  retire(): number {
    this.#closed = true
    for (const l of this.#listeners.values()) l.retire()
    return this.openConnections()
  }

  /** Ends the client connections that are between requests. */
  closeIdle(): void {
    for (const l of this.#listeners.values()) l.closeIdle()
  }

  openConnections(): number {
    let n = 0
    for (const l of this.#listeners.values()) n += l.connections
    return n
  }

  /** Stops listening and drops every connection (tests, proxy shutdown). */
  close(): void {
    this.#closed = true
    this.#sweep?.cancel()
    for (const l of this.#listeners.values()) l.destroyAll()
    this.#listeners.clear()
    for (const rs of this.#routes.values()) {
      applyBackends(rs, { ...rs.route, backends: [] }, this.#pods, 0)
    }
    this.#routes.clear()
    this.#drain.releaseAll()
  }

  #scheduleSweep(): void {
    this.#sweep = this.#clock.setTimeout(() => {
      const cutoff = this.#clock.now() - this.#ctx.timeouts.upstreamIdleTimeoutMs
      for (const rs of this.#routes.values()) for (const ep of rs.endpoints) ep.pool.sweep(cutoff)
      if (!this.#closed) this.#scheduleSweep()
    }, SWEEP_INTERVAL_MS)
  }

  /** Forgets pods long out of every route (and their figures), so rollouts do not grow memory. */
  #prunePods(now: number): void {
    for (const [uid, p] of this.#pods) {
      if (p.routes === 0 && p.inflight === 0 && now - p.removedAtMs > DEFAULT_POD_METRICS_RETENTION_MS)
        this.#pods.delete(uid)
    }
  }
}
