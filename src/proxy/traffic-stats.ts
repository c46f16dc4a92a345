/**
 * @module
 * Per-service, per-revision and per-pod request counters. Each finished request touches
 * three TrafficStats (service, revision, pod) that the route table pre-resolved, so the hot
 * path does a few increments and three O(1) histogram records.
 */
import { Histogram, mergeLatency } from './histogram.ts'
import type { Anomalies, TrafficCounters, TrafficMetrics } from './types.ts'

export class TrafficStats {
  requests = 0
  errors = 0
  s1 = 0
  s2 = 0
  s3 = 0
  s4 = 0
  s5 = 0
  failedConnections = 0
  readonly latency = new Histogram()

  /** A request answered with `status` after `us` microseconds. */
  answered(status: number, us: number): void {
    this.requests++
    if (status >= 500) {
      this.s5++
      this.errors++
    } else if (status >= 400) this.s4++
    else if (status >= 300) this.s3++
    else if (status >= 200) this.s2++
    else this.s1++
    this.latency.record(us)
  }

  /** A TCP connection reached a replica after `us` microseconds (TCP mode has no status). */
  opened(us: number): void {
    this.requests++
    this.latency.record(us)
  }

  /** A request that ended without a complete answer (replica reset or garbage mid-response). */
  failed(): void {
    this.requests++
    this.errors++
  }

  connectionFailed(): void {
    this.failedConnections++
  }

  snapshot(): TrafficCounters {
    return {
      requests: this.requests,
      errors: this.errors,
      status: { '1xx': this.s1, '2xx': this.s2, '3xx': this.s3, '4xx': this.s4, '5xx': this.s5 },
      failedConnections: this.failedConnections,
      latency: this.latency.snapshot(),
    }
  }
}

export function emptyCounters(): TrafficCounters {
  return new TrafficStats().snapshot()
}

/** Sums two snapshots (the same service seen by two worker processes). */
export function mergeCounters(a: TrafficCounters, b: TrafficCounters): TrafficCounters {
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    status: {
      '1xx': a.status['1xx'] + b.status['1xx'],
      '2xx': a.status['2xx'] + b.status['2xx'],
      '3xx': a.status['3xx'] + b.status['3xx'],
      '4xx': a.status['4xx'] + b.status['4xx'],
      '5xx': a.status['5xx'] + b.status['5xx'],
    },
    failedConnections: a.failedConnections + b.failedConnections,
    latency: mergeLatency(a.latency, b.latency),
  }
}

export function emptyAnomalies(): Anomalies {
  return {
    malformedRequests: 0,
    oversizedHeads: 0,
    clientAborts: 0,
    clientTimeouts: 0,
    upstreamMalformed: 0,
    upstreamTimeouts: 0,
    upstreamResets: 0,
    retries: 0,
    noEndpointTimeouts: 0,
  }
}

export function mergeAnomalies(a: Anomalies, b: Anomalies): Anomalies {
  const out = { ...a }
  for (const k of Object.keys(b) as Array<keyof Anomalies>) out[k] += b[k]
  return out
}

/** Sums the figures of two worker processes that serve the same table. */
export function mergeMetrics(a: TrafficMetrics, b: TrafficMetrics): TrafficMetrics {
  const services = new Map(a.services.map((s) => [s.listen, s]))
  for (const s of b.services) {
    const o = services.get(s.listen)
    if (!o) {
      services.set(s.listen, s)
      continue
    }
    const revisions = { ...o.revisions }
    for (const [rev, c] of Object.entries(s.revisions))
      revisions[rev] = revisions[rev] ? mergeCounters(revisions[rev], c) : c
    services.set(s.listen, {
      ...o,
      waiting: o.waiting + s.waiting,
      totals: mergeCounters(o.totals, s.totals),
      revisions,
    })
  }
  const pods = new Map(a.pods.map((p) => [p.podUid, p]))
  for (const p of b.pods) {
    const o = pods.get(p.podUid)
    pods.set(
      p.podUid,
      o
        ? {
            ...o,
            routed: o.routed || p.routed,
            inflight: o.inflight + p.inflight,
            counters: mergeCounters(o.counters, p.counters),
          }
        : p,
    )
  }
  return {
    pid: a.pid,
    startedAtMs: Math.min(a.startedAtMs, b.startedAtMs),
    services: [...services.values()],
    pods: [...pods.values()],
    anomalies: mergeAnomalies(a.anomalies, b.anomalies),
  }
}

export function emptyMetrics(pid: number, startedAtMs: number): TrafficMetrics {
  return { pid, startedAtMs, services: [], pods: [], anomalies: emptyAnomalies() }
}
