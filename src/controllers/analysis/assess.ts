/**
 * @module
 * Argo Rollouts' analysis decisions (controller/analysis/analysis.go and
 * utils/evaluate/evaluate.go), pure: a measurement's phase from the conditions, a metric's
 * phase from its counts and limits, a run's phase from its metrics.
 */
import { ExpressionError, evaluateCondition, parseCondition } from '../../api/analysis-expression.ts'
import type { AnalysisMetric, AnalysisMetricResult, AnalysisPhase, AnalysisRun, IntOrString } from '../../api/types.ts'

/** Argo's DefaultConsecutiveErrorLimit. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4

/** Argo's order: a run takes the worst phase of its completed metrics. */
const ORDER: readonly AnalysisPhase[] = ['Pending', 'Running', 'Successful', 'Inconclusive', 'Error', 'Failed']

export const completed = (p: AnalysisPhase | undefined): boolean =>
  p === 'Successful' || p === 'Failed' || p === 'Error' || p === 'Inconclusive'

export const isWorse = (current: AnalysisPhase, candidate: AnalysisPhase): boolean =>
  ORDER.indexOf(candidate) > ORDER.indexOf(current)

export function countValue(v: IntOrString | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : undefined
}

/**
 * EvaluateResult: the phase of one measurement's value. With only a successCondition a false
 * one fails; with only a failureCondition a false one succeeds; with both, neither true is
 * Inconclusive; with none, every value succeeds. A condition that cannot be evaluated is Error.
 */
export function evaluateResult(result: unknown, metric: AnalysisMetric): { phase: AnalysisPhase; message?: string } {
  let success = false
  let failure = false
  try {
    if (metric.successCondition) success = evaluateCondition(parseCondition(metric.successCondition), result)
    if (metric.failureCondition) failure = evaluateCondition(parseCondition(metric.failureCondition), result)
  } catch (err) {
    if (err instanceof ExpressionError) return { phase: 'Error', message: `condition: ${err.message}` }
    throw err
  }
  if (!metric.successCondition && !metric.failureCondition) return { phase: 'Successful' }
  if (metric.successCondition && !metric.failureCondition) failure = !success
  if (!metric.successCondition && metric.failureCondition) success = !failure
  if (failure) return { phase: 'Failed' }
  if (!success) return { phase: 'Inconclusive' }
  return { phase: 'Successful' }
}

/** Metric.EffectiveCount: no count and no interval means one measurement. */
export function effectiveCount(metric: AnalysisMetric): number | undefined {
  const count = countValue(metric.count)
  if (count === undefined && metric.interval === undefined) return 1
  return count === 0 ? undefined : count
}

/** assessMetricStatus: the metric's phase and, when it completed badly, why. */
export function assessMetric(
  metric: AnalysisMetric,
  result: AnalysisMetricResult,
  terminating: boolean,
): { phase: AnalysisPhase; message?: string } {
  if (completed(result.phase)) return { phase: result.phase }
  const measurements = result.measurements ?? []
  if (measurements.length === 0) return { phase: terminating ? 'Successful' : 'Pending' }
  // A measurement in flight (a job still running): Running, terminating or not, as Argo.
  if (!completed(measurements.at(-1)!.phase)) return { phase: 'Running' }
  const failureLimit = countValue(metric.failureLimit) ?? 0
  const inconclusiveLimit = countValue(metric.inconclusiveLimit) ?? 0
  const errorLimit = countValue(metric.consecutiveErrorLimit) ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT
  const failed = result.failed ?? 0
  const inconclusive = result.inconclusive ?? 0
  const consecutiveError = result.consecutiveError ?? 0
  const why = (what: string, n: number, limit: string, l: number) =>
    `Metric "${metric.name}" assessed ${what} due to ${limit === 'consecutiveErrorLimit' ? 'consecutiveErrors' : what === 'Failed' ? 'failed' : 'inconclusive'} (${n}) > ${limit} (${l})`
  if (failed > failureLimit) return { phase: 'Failed', message: why('Failed', failed, 'failureLimit', failureLimit) }
  if (inconclusive > inconclusiveLimit) {
    return { phase: 'Inconclusive', message: why('Inconclusive', inconclusive, 'inconclusiveLimit', inconclusiveLimit) }
  }
  if (consecutiveError > errorLimit) {
    return { phase: 'Error', message: why('Error', consecutiveError, 'consecutiveErrorLimit', errorLimit) }
  }
  const count = effectiveCount(metric)
  if (count !== undefined && (result.count ?? 0) >= count) return { phase: 'Successful' }
  return { phase: terminating ? 'Successful' : 'Running' }
}

const endedBadly = (r: AnalysisMetricResult): boolean =>
  r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive'

/** IsTerminating: asked to stop, or a metric already ended Failed, Error or Inconclusive. */
export function isTerminating(run: AnalysisRun): boolean {
  if (run.spec.terminate) return true
  return (run.status?.metricResults ?? []).some(endedBadly)
}

/**
 * assessRunStatus: each metric's phase written into `results` (one per metric), and the run's:
 * Running until every metric completed, then the worst of them. A metric that ends badly
 * terminates the run: the others complete as they stand (Successful if they never measured).
 */
export function assessRun(
  run: AnalysisRun,
  results: AnalysisMetricResult[],
): { phase: AnalysisPhase; message?: string } {
  const pass = (terminating: boolean) => {
    let worst: { phase: AnalysisPhase; message?: string } | undefined
    let everythingCompleted = true
    for (const metric of run.spec.metrics) {
      const result = results.find((r) => r.name === metric.name)
      if (!result) {
        everythingCompleted = false
        continue
      }
      const a = assessMetric(metric, result, terminating)
      result.phase = a.phase
      if (a.message !== undefined) result.message = a.message
      if (!completed(a.phase)) everythingCompleted = false
      else if (!worst || isWorse(worst.phase, a.phase)) {
        worst = {
          phase: a.phase,
          ...(result.message !== undefined && a.phase !== 'Successful' ? { message: result.message } : {}),
        }
      }
    }
    return everythingCompleted && worst ? worst : { phase: 'Running' as const }
  }
  const terminating = run.spec.terminate === true || results.some(endedBadly)
  const out = pass(terminating)
  return !terminating && results.some(endedBadly) ? pass(true) : out
}
