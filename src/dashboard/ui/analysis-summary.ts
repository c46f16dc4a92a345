/**
 * @module
 * A Rollout's AnalysisRuns as the Rollout page shows them: which part of the rollout each
 * judges (an analysis step, the background analysis, a blueGreen promotion), whether it is the
 * one in force, and per metric its verdict, the condition it is judged by, its counts against
 * its limits and every measurement with its figure. Runs are Argo's: labelled `rollout-type`
 * and `step-index` by the Rollout controller (controllers/rollout/analysis.ts).
 */
import { isControlledBy } from '../../api/owner-refs.ts'
import type { AnalysisMeasurement, AnalysisPhase, AnalysisRun, Rollout } from '../../api/types.ts'
import { ARGO_REVISION_ANNOTATION } from '../../rollout/argo-history.ts'

export interface MetricSummary {
  name: string
  phase: AnalysisPhase
  /** "result <= 0.01", or both conditions joined: what a measurement must meet. */
  condition: string
  /** "2 successful, 1 inconclusive" of "count 2, failureLimit 0". */
  counts: string
  limits: string
  measurements: AnalysisMeasurement[]
  message?: string
}

export interface RunSummary {
  name: string
  /** "Step 2 analysis", "Background analysis", "Pre-promotion analysis", "Post-promotion analysis". */
  purpose: string
  revision: number
  phase: AnalysisPhase
  /** The run the Rollout's status names now (the others are history). */
  current: boolean
  message?: string
  metrics: MetricSummary[]
}

function purposeOf(run: AnalysisRun): string {
  const labels = run.metadata.labels ?? {}
  switch (labels['rollout-type']) {
    case 'Step':
      return `Step ${Number(labels['step-index'] ?? 0) + 1} analysis`
    case 'Background':
      return 'Background analysis'
    case 'PrePromotion':
      return 'Pre-promotion analysis'
    case 'PostPromotion':
      return 'Post-promotion analysis'
    default:
      return 'Analysis'
  }
}

/** The run names the Rollout's status holds now. */
function currentNames(r: Rollout): Set<string> {
  const st = r.status ?? {}
  return new Set(
    [
      st.canary?.currentStepAnalysisRunStatus,
      st.canary?.currentBackgroundAnalysisRunStatus,
      st.blueGreen?.prePromotionAnalysisRunStatus,
      st.blueGreen?.postPromotionAnalysisRunStatus,
    ].flatMap((x) => (x ? [x.name] : [])),
  )
}

const PLURAL: Array<[keyof Counted, string]> = [
  ['successful', 'successful'],
  ['failed', 'failed'],
  ['inconclusive', 'inconclusive'],
  ['error', 'error'],
]
interface Counted {
  successful?: number
  failed?: number
  inconclusive?: number
  error?: number
}

/** "2 successful, 1 failed", and "1 running" for a measurement in flight (a job's, uncounted till it ends). */
function countsText(c: Counted, measurements: readonly AnalysisMeasurement[]): string {
  const parts = PLURAL.filter(([k]) => (c[k] ?? 0) > 0).map(([k, word]) => `${c[k]} ${word}`)
  const running = measurements.filter((m) => m.phase === 'Running').length
  if (running > 0) parts.push(`${running} running`)
  return parts.length > 0 ? parts.join(', ') : measurements.length === 0 ? 'no measurement yet' : 'pending'
}

function summarise(run: AnalysisRun, current: boolean): RunSummary {
  const results = run.status?.metricResults ?? []
  const metrics = run.spec.metrics.map((m): MetricSummary => {
    const res = results.find((x) => x.name === m.name)
    const measurements = res?.measurements ?? []
    const conditions = [
      m.successCondition !== undefined ? `pass if ${m.successCondition}` : '',
      m.failureCondition !== undefined ? `fail if ${m.failureCondition}` : '',
    ].filter(Boolean)
    const limits = [
      m.count !== undefined ? `count ${m.count}` : '',
      m.interval !== undefined ? `every ${m.interval}` : '',
      `failureLimit ${m.failureLimit ?? 0}`,
      `inconclusiveLimit ${m.inconclusiveLimit ?? 0}`,
    ].filter(Boolean)
    const out: MetricSummary = {
      name: m.name,
      phase: res?.phase ?? 'Pending',
      condition: conditions.length > 0 ? conditions.join('; ') : 'the provider’s own verdict',
      counts: countsText(res ?? {}, measurements),
      limits: limits.join(', '),
      measurements,
    }
    if (res?.message) out.message = res.message
    return out
  })
  const summary: RunSummary = {
    name: run.metadata.name,
    purpose: purposeOf(run),
    revision: Number(run.metadata.annotations?.[ARGO_REVISION_ANNOTATION] ?? 0) || 0,
    phase: run.status?.phase ?? 'Pending',
    current,
    metrics,
  }
  if (run.status?.message) summary.message = run.status.message
  return summary
}

/** The runs `r` owns, the ones in force first, then newest revision first (then by name). */
export function analysisSummaries(r: Rollout, runs: readonly AnalysisRun[]): RunSummary[] {
  const current = currentNames(r)
  return runs
    .filter((run) => isControlledBy(run, r))
    .map((run) => summarise(run, current.has(run.metadata.name)))
    .sort(
      (a, b) =>
        Number(b.current) - Number(a.current) ||
        b.revision - a.revision ||
        b.name.localeCompare(a.name, undefined, { numeric: true }),
    )
}

/** The verdict's tone for a badge: passed, failed, inconclusive or still running. */
export function phaseTone(p: AnalysisPhase): 'ok' | 'bad' | 'idle' | 'busy' {
  if (p === 'Successful') return 'ok'
  if (p === 'Failed' || p === 'Error') return 'bad'
  if (p === 'Inconclusive') return 'idle'
  return 'busy'
}
