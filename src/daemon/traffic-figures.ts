/**
 * @module
 * The load balancer's figures per revision for the control plane: the daemon reads the
 * proxy's metrics over its control channel once a second and keeps the latest, summed per
 * pod-template-hash over every service, where the failure-policy controller reads it
 * synchronously (reconciles are synchronous). It reads only while someone asks: with no
 * revision under watch the load balancer is not asked at all, and a sample older than two
 * polls is not handed out (a window must not start from stale counters).
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { TrafficMetrics } from '../proxy/types.ts'
import { addCounters, type RevisionCounters, type TrafficSample } from '../rollout/revision-figures.ts'

export const TRAFFIC_POLL_MS = 1_000
/** Polling stops this long after the last ask. */
export const TRAFFIC_IDLE_MS = 10_000

/** Sums each revision's counters over the services that route to it. */
export function sampleOf(m: TrafficMetrics): TrafficSample {
  const revisions: Record<string, RevisionCounters> = {}
  for (const s of m.services) {
    for (const [rev, c] of Object.entries(s.revisions)) {
      if (rev === '') continue
      const counters: RevisionCounters = {
        requests: c.requests,
        errors: c.errors,
        failedConnections: c.failedConnections,
        latency: c.latency.buckets,
      }
      revisions[rev] = revisions[rev] ? addCounters(revisions[rev], counters) : counters
    }
  }
  return { proxyStartedAtMs: m.startedAtMs, revisions }
}

export class TrafficFigures {
  #latest: TrafficSample | undefined
  #latestAt = 0
  #askedAt = Number.NEGATIVE_INFINITY
  #timer: TimerHandle | undefined
  #stopped = false
  readonly #read: () => Promise<TrafficMetrics>
  readonly #clock: Clock
  readonly #logger: Logger

  constructor(read: () => Promise<TrafficMetrics>, clock: Clock, logger: Logger) {
    this.#read = read
    this.#clock = clock
    this.#logger = logger
  }

  latest(): TrafficSample | undefined {
    const now = this.#clock.now()
    this.#askedAt = now
    return now - this.#latestAt <= 2 * TRAFFIC_POLL_MS ? this.#latest : undefined
  }

  start(): void {
    void this.#poll()
  }

  stop(): void {
    this.#stopped = true
    this.#timer?.cancel()
  }

  async #poll(): Promise<void> {
    try {
      if (this.#clock.now() - this.#askedAt <= TRAFFIC_IDLE_MS) {
        const m = await this.#read()
        this.#latestAt = this.#clock.now()
        this.#latest = { ...sampleOf(m), atMs: this.#latestAt }
      }
    } catch (err) {
      // The supervisor replaces a failing load balancer; until then the last figures stand.
      this.#logger.debug('traffic figures unavailable', { err })
    }
    if (!this.#stopped) this.#timer = this.#clock.setTimeout(() => void this.#poll(), TRAFFIC_POLL_MS)
  }
}
