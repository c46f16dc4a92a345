/**
 * @module
 * One sync of an AnalysisRun, pure: which metrics are due for a measurement at `now`, and the
 * run's status once the measurements taken are recorded (counts, phases, the run's verdict,
 * when to sync next). The reconcile takes the measurements through the providers
 * (baton-provider.ts, the web port) between the two.
 *
 * Timing, as Argo's: the first measurement after `initialDelay`, the next one `interval` after
 * the last finished (an Error one is retried after the interval, or 10 s). A baton measurement
 * covers the requests since the previous one, so its first is taken one window (initialDelay,
 * else interval, else 10 s) after the counters it starts from were read.
 */
import { parseTimestamp, formatTimestamp } from '../../api/timestamps.ts'
import { pauseSeconds } from '../../api/rollout-duration.ts'
import type {
  AnalysisMeasurement,
  AnalysisMetric,
  AnalysisMetricResult,
  AnalysisRun,
  AnalysisRunStatus,
} from '../../api/types.ts'
import { assessRun, completed, isTerminating } from './assess.ts'

/** Measurements kept per metric (Argo's default measurementRetention). */
export const MAX_MEASUREMENTS = 10
/** Argo's DefaultErrorRetryInterval, and the baton provider's window when the metric gives none. */
export const DEFAULT_RETRY_MS = 10_000
/** The metadata key where a baton metric keeps when its window's counters were read (epoch ms). */
export const BASELINE_AT = 'baton.dev/baseline-at-ms'

/** A baton metric's window: initialDelay, else interval, else 10 s. */
export function batonWindowMs(metric: AnalysisMetric): number {
  return ((seconds(metric.initialDelay) ?? 0) || (seconds(metric.interval) ?? 0)) * 1000 || DEFAULT_RETRY_MS
}

const seconds = (d: string | undefined): number | undefined => (d === undefined ? undefined : pauseSeconds(d))

/** The status a sync starts from: startedAt and one result per metric. */
export function startStatus(run: AnalysisRun, now: number): AnalysisRunStatus {
  const st: AnalysisRunStatus = structuredClone(run.status ?? {})
  st.startedAt ??= formatTimestamp(now)
  st.phase ??= 'Pending'
  const results = st.metricResults ?? []
  for (const m of run.spec.metrics) {
    if (!results.some((r) => r.name === m.name)) results.push({ name: m.name, phase: 'Pending' })
  }
  st.metricResults = results
  return st
}

/** When `metric` takes its next measurement (epoch ms); undefined: it takes no more. */
export function nextMeasurementAt(
  run: AnalysisRun,
  st: AnalysisRunStatus,
  metric: AnalysisMetric,
  result: AnalysisMetricResult,
): number | undefined {
  if (isTerminating({ ...run, status: st }) || completed(result.phase) || completed(st.phase)) return undefined
  const interval = seconds(metric.interval)
  const last = result.measurements?.at(-1)
  // A measurement in flight (a job's Running one) is due until it finishes: each sync resumes it.
  if (last?.phase === 'Running') return parseTimestamp(last.startedAt)
  if (!last) {
    const delay = (seconds(metric.initialDelay) ?? 0) * 1000
    if (!metric.provider.baton) return parseTimestamp(st.startedAt) + delay
    const base = Number(result.metadata?.[BASELINE_AT] ?? Number.NaN)
    if (Number.isNaN(base)) return parseTimestamp(st.startedAt)
    return base + batonWindowMs(metric)
  }
  if (interval === undefined && last.phase !== 'Error') return undefined
  const finished = parseTimestamp(last.finishedAt)
  return finished + (interval === undefined ? DEFAULT_RETRY_MS : interval * 1000)
}

/** The metrics due at `now`, and when the next one not yet due is. */
export function dueMetrics(
  run: AnalysisRun,
  st: AnalysisRunStatus,
  now: number,
): { due: AnalysisMetric[]; nextAt?: number } {
  const due: AnalysisMetric[] = []
  let nextAt: number | undefined
  for (const m of run.spec.metrics) {
    const result = st.metricResults?.find((r) => r.name === m.name)
    if (!result) continue
    const at = nextMeasurementAt(run, st, m, result)
    if (at === undefined) continue
    if (at <= now) due.push(m)
    else nextAt = Math.min(nextAt ?? at, at)
  }
  return nextAt === undefined ? { due } : { due, nextAt }
}

/**
 * Records a measurement in its metric's result as Argo does: a finished one takes the place of
 * the Running one it finishes (else it is appended) and is counted; a Running one (a job's,
 * while its pod runs) is appended once, uncounted, so the run shows the measurement in flight.
 */
export function recordMeasurement(result: AnalysisMetricResult, m: AnalysisMeasurement): void {
  const before = result.measurements ?? []
  const inFlight = before.at(-1)?.phase === 'Running'
  if (m.phase === 'Running' && inFlight) return
  const list = [...(inFlight ? before.slice(0, -1) : before), m]
  result.measurements = list.slice(-MAX_MEASUREMENTS)
  if (m.phase === 'Running') return
  if (m.phase === 'Error') {
    result.error = (result.error ?? 0) + 1
    result.consecutiveError = (result.consecutiveError ?? 0) + 1
    return
  }
  result.count = (result.count ?? 0) + 1
  result.consecutiveError = 0
  if (m.phase === 'Successful') result.successful = (result.successful ?? 0) + 1
  else if (m.phase === 'Failed') result.failed = (result.failed ?? 0) + 1
  else if (m.phase === 'Inconclusive') result.inconclusive = (result.inconclusive ?? 0) + 1
  if (m.message !== undefined) result.message = m.message
}

/** The measurement `result` has in flight, if any. */
export function runningMeasurement(result: AnalysisMetricResult): AnalysisMeasurement | undefined {
  const last = result.measurements?.at(-1)
  return last?.phase === 'Running' ? last : undefined
}

/**
 * A terminating run's measurements in flight end as Argo's job provider ends them (Terminate):
 * Successful, "metric terminated", counted. Returns whether any did (the run is then assessed
 * again, its metrics no longer Running).
 */
export function terminateRunning(run: AnalysisRun, st: AnalysisRunStatus, now: number): boolean {
  if (!isTerminating({ ...run, status: st })) return false
  let any = false
  for (const result of st.metricResults ?? []) {
    const m = runningMeasurement(result)
    if (!m) continue
    recordMeasurement(result, {
      ...m,
      phase: 'Successful',
      message: 'metric terminated',
      finishedAt: formatTimestamp(now),
    })
    any = true
  }
  return any
}

/** The run's phase and message from its metrics, written into `st`. */
export function assess(run: AnalysisRun, st: AnalysisRunStatus): void {
  if (completed(st.phase)) return
  const { phase, message } = assessRun(run, st.metricResults ?? [])
  st.phase = phase
  if (message !== undefined) st.message = message
  else delete st.message
}
