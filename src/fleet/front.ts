/**
 * @module
 * The fleet's front load balancer: Baton's own data plane (proxy/data-plane.ts) with one route,
 * the fleet's listen address, whose endpoints are the targets' Service addresses, weighted.
 * A target is in the route while it is both added (not drained by the coordinator) and healthy
 * (its health check passes), unless no added target is healthy (then all added ones are). Draining takes it out of the route and waits until nothing is in
 * flight to it, exactly as a replica is drained before it stops. Every drain, add and health
 * change is reported as an event with its time.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import { DataPlane } from '../proxy/data-plane.ts'
import type { ServiceRoute } from '../proxy/types.ts'
import type { Fleet, FleetTarget } from './types.ts'

export type FrontEventType = 'drain' | 'drained' | 'add' | 'unhealthy' | 'healthy'

export interface FrontEvent {
  /** RFC 3339 with milliseconds. */
  time: string
  event: FrontEventType
  target: string
  /** Requests still in flight when a drain gave up waiting. */
  inflight?: number
  message?: string
}

/** One health check of one target: resolves ok or not within about `timeoutMs`. */
export type HealthProbe = (t: FleetTarget, timeoutMs: number) => Promise<{ ok: boolean; message: string }>

export interface TargetState {
  name: string
  address: string
  weight: number
  tags: string[]
  /** Taken out by the coordinator (`drain`) until it is added back. */
  drained: boolean
  healthy: boolean
  /** In the front route now (added and healthy). */
  routed: boolean
  inflight: number
  requests: number
  /** Requests that ended in a 5xx or without an answer (a target killed mid-request). */
  errors: number
  /** Attempts to connect to the target that failed (refused, reset, timed out); retried elsewhere. */
  failedConnections: number
}

export interface FrontOptions {
  clock: Clock
  probe: HealthProbe
  onEvent: (e: FrontEvent) => void
  logger?: Logger
  /** For tests: a data plane of their own. */
  plane?: DataPlane
}

interface Live {
  target: FleetTarget
  drained: boolean
  healthy: boolean
  goodStreak: number
  badStreak: number
}

export const targetUid = (name: string) => `fleet-target/${name}`

export class FrontBalancer {
  readonly #fleet: Fleet
  readonly #opts: FrontOptions
  readonly #plane: DataPlane
  readonly #live = new Map<string, Live>()
  #timer: TimerHandle | undefined
  #closed = false

  constructor(fleet: Fleet, opts: FrontOptions) {
    this.#fleet = fleet
    this.#opts = opts
    this.#plane = opts.plane ?? new DataPlane({ clock: opts.clock, ...(opts.logger ? { logger: opts.logger } : {}) })
    // Until the first check says otherwise, a target is assumed healthy: start() checks them all first.
    for (const t of fleet.spec.targets)
      this.#live.set(t.name, { target: t, drained: false, healthy: true, goodStreak: 0, badStreak: 0 })
  }

  /** Checks every target once, opens the listen address, then checks every interval. */
  async start(): Promise<void> {
    await this.#checkAll(true)
    const failures = await this.#push()
    if (failures.length > 0) throw new Error(`cannot listen on ${failures[0]!.listen}: ${failures[0]!.error}`)
    this.#schedule()
  }

  route(): ServiceRoute {
    const { listen } = this.#fleet.spec.frontLoadBalancer
    const routed = this.#routedTargets()
    return {
      namespace: 'fleet',
      service: this.#fleet.metadata.name,
      listen,
      mode: 'http',
      backends: routed.map((t) => ({
        podUid: targetUid(t.name),
        podName: t.name,
        revision: t.name,
        host: t.service.host,
        port: t.service.port,
      })),
      // Each target is a revision of its own, so its weight is its exact share, as a canary's is.
      weights: Object.fromEntries(routed.map((t) => [t.name, t.weight])),
    }
  }

  /**
   * The added targets that pass their health check; when none does, every added target (as
   * Envoy's panic threshold does): a health check failing everywhere at once says more about
   * the checks (a loaded machine, a wrong path) than about every target, and sending to
   * targets that may be fine beats refusing every request.
   */
  #routedTargets(): FleetTarget[] {
    const added = [...this.#live.values()].filter((l) => !l.drained)
    const healthy = added.filter((l) => l.healthy)
    return (healthy.length > 0 ? healthy : added).map((l) => l.target)
  }

  /** Takes the target out of the route; resolves once nothing is in flight to it, or at the drain timeout. */
  async drain(name: string): Promise<{ drained: boolean; inflight: number }> {
    const l = this.#get(name)
    l.drained = true
    this.#event('drain', name)
    await this.#push()
    const deadline = this.#opts.clock.now() + this.#fleet.spec.frontLoadBalancer.drainTimeoutSeconds * 1000
    const drained = await this.#plane.waitDrained(targetUid(name), deadline)
    const inflight = this.#plane.inflight(targetUid(name))
    this.#event('drained', name, drained ? {} : { inflight, message: 'drain timeout reached' })
    return { drained, inflight }
  }

  async add(name: string): Promise<void> {
    const l = this.#get(name)
    l.drained = false
    this.#event('add', name, l.healthy ? {} : { message: 'not healthy yet: routed once its health check passes' })
    await this.#push()
  }

  targets(): TargetState[] {
    const m = this.#plane.metrics()
    const routed = new Set(this.#routedTargets().map((t) => t.name))
    return [...this.#live.values()].map(({ target: t, drained, healthy }) => {
      const pod = m.pods.find((p) => p.podUid === targetUid(t.name))
      return {
        name: t.name,
        address: `${t.service.host}:${t.service.port}`,
        weight: t.weight,
        tags: t.tags,
        drained,
        healthy,
        routed: routed.has(t.name),
        inflight: pod?.inflight ?? 0,
        requests: pod?.counters.requests ?? 0,
        errors: pod?.counters.errors ?? 0,
        failedConnections: pod?.counters.failedConnections ?? 0,
      }
    })
  }

  metrics() {
    return this.#plane.metrics()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#timer?.cancel()
    await this.#plane.close()
  }

  #get(name: string): Live {
    const l = this.#live.get(name)
    if (!l) throw new Error(`no target "${name}" in fleet ${this.#fleet.metadata.name}`)
    return l
  }

  #event(event: FrontEventType, target: string, extra: Partial<FrontEvent> = {}): void {
    this.#opts.onEvent({ time: new Date(this.#opts.clock.now()).toISOString(), event, target, ...extra })
  }

  #push() {
    return this.#plane.setRoutes([this.route()])
  }

  #schedule(): void {
    if (this.#closed) return
    const every = this.#fleet.spec.frontLoadBalancer.healthCheck.intervalSeconds * 1000
    this.#timer = this.#opts.clock.setTimeout(() => {
      void this.#checkAll(false).then(() => this.#schedule())
    }, every)
  }

  /** One check of every target; a change of health changes the route. `first`: one result decides. */
  async #checkAll(first: boolean): Promise<void> {
    const hc = this.#fleet.spec.frontLoadBalancer.healthCheck
    let changed = false
    await Promise.all(
      [...this.#live.values()].map(async (l) => {
        const r = await this.#opts.probe(l.target, hc.timeoutSeconds * 1000)
        if (this.#closed) return
        if (r.ok) {
          l.goodStreak++
          l.badStreak = 0
          if (!l.healthy && (first || l.goodStreak >= hc.healthyThreshold)) {
            l.healthy = true
            changed = true
            this.#event('healthy', l.target.name)
          }
        } else {
          l.badStreak++
          l.goodStreak = 0
          if (l.healthy && (first || l.badStreak >= hc.unhealthyThreshold)) {
            l.healthy = false
            changed = true
            this.#event('unhealthy', l.target.name, { message: r.message })
          }
        }
      }),
    )
    if (changed && !this.#closed) await this.#push()
  }
}
