/**
 * @module
 * The `baton` metric provider, pure: one figure of one revision over a window, from the load
 * balancer's cumulative counters (rollout/revision-figures.ts). A measurement covers the
 * requests since the counters the previous one ended at, kept in the metric result's metadata
 * (so a daemon restart resumes the window). Fewer attempts than minRequests is Inconclusive,
 * never a pass, whatever the conditions say.
 */
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMeasurement, BatonMetricProvider, BatonMetricName } from '../../api/types.ts'
import {
  NO_TRAFFIC,
  type RevisionCounters,
  type TrafficSample,
  figuresOf,
  quantileMs,
  windowOf,
} from '../../rollout/revision-figures.ts'
import { BASELINE_AT } from './plan.ts'

export const DEFAULT_MIN_REQUESTS = 20
const COUNTERS = 'baton.dev/counters'
const PROXY = 'baton.dev/proxy-started-at'

export type BatonReading =
  /** No fresh figures from the load balancer yet: ask again shortly. */
  | { kind: 'wait' }
  /** The window's start was read: no measurement yet. */
  | { kind: 'baseline'; metadata: Record<string, string> }
  /** A measurement's value (or why it has none), and where the next window starts. */
  | { kind: 'measured'; value?: number; inconclusive?: string; metadata: Record<string, string>; windowMs: number }

function figure(name: BatonMetricName, w: RevisionCounters, windowMs: number): number {
  const f = figuresOf(w)
  switch (name) {
    case 'errorRatio':
      return f.failureRatio
    case 'successRate':
      return 1 - f.failureRatio
    case 'errorCount':
      return f.failures
    case 'requestRate':
      return windowMs > 0 ? f.attempts / (windowMs / 1000) : 0
    case 'p50':
      return quantileMs(w.latency, 0.5)
    case 'p95':
      return quantileMs(w.latency, 0.95)
    case 'p99':
      return quantileMs(w.latency, 0.99)
  }
}

function readCounters(metadata: Record<string, string> | undefined): RevisionCounters | undefined {
  const raw = metadata?.[COUNTERS]
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as RevisionCounters
  } catch {
    return undefined
  }
}

/**
 * Reads `provider`'s figure of revision `hash` from `sample` (read at `sample.atMs`, else
 * `now`). A window is timed by the samples, not by when the controller looks: a measurement
 * waits for a sample read at least `windowMs` after the one its window starts from.
 */
export function readBaton(
  provider: BatonMetricProvider,
  hash: string,
  metadata: Record<string, string> | undefined,
  sample: TrafficSample | undefined,
  now: number,
  windowMs: number,
): BatonReading {
  if (!sample) return { kind: 'wait' }
  const at = sample.atMs ?? now
  const counters = sample.revisions[hash] ?? NO_TRAFFIC
  const next = {
    [BASELINE_AT]: String(at),
    [COUNTERS]: JSON.stringify(counters),
    [PROXY]: String(sample.proxyStartedAtMs),
  }
  const base = readCounters(metadata)
  const since = Number(metadata?.[BASELINE_AT] ?? Number.NaN)
  if (!base || Number.isNaN(since)) return { kind: 'baseline', metadata: next }
  if (at < since + windowMs) return { kind: 'wait' }
  // A replaced load balancer counts from zero: its counters are the whole window.
  const w = windowOf(counters, metadata?.[PROXY] === String(sample.proxyStartedAtMs) ? base : undefined)
  const measuredMs = at - since
  const min = provider.minRequests ?? DEFAULT_MIN_REQUESTS
  const attempts = figuresOf(w).attempts
  if (attempts < min) {
    return {
      kind: 'measured',
      inconclusive: `too few requests to judge: ${attempts} of the ${min} needed in ${(measuredMs / 1000).toFixed(1)}s`,
      metadata: next,
      windowMs: measuredMs,
    }
  }
  return { kind: 'measured', value: figure(provider.metric, w, measuredMs), metadata: next, windowMs: measuredMs }
}

/** A number as a measurement's value: at most 6 decimals, no exponent for small ratios. */
export function formatValue(v: number): string {
  return String(Math.round(v * 1e6) / 1e6)
}

export function batonMeasurement(
  r: Extract<BatonReading, { kind: 'measured' }>,
  evaluate: (value: number) => Pick<AnalysisMeasurement, 'phase' | 'message'>,
  startedAt: string,
  now: number,
): AnalysisMeasurement {
  const finishedAt = formatTimestamp(now)
  if (r.value === undefined) {
    return { phase: 'Inconclusive', message: r.inconclusive ?? 'no figures', startedAt, finishedAt }
  }
  return { ...evaluate(r.value), value: formatValue(r.value), startedAt, finishedAt }
}
