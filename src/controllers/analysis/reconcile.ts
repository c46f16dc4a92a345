/**
 * @module
 * The AnalysisRun controller: takes the measurements that are due (the baton provider from the
 * load balancer's figures, the web provider through the daemon's GETs), records them and
 * writes the run's verdict. The Rollout controller reads the verdict (its runs are owned by it).
 */
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMetric, AnalysisMetricResult, AnalysisRun } from '../../api/types.ts'
import { type Controller, type ReconcileResult, enqueueSelf } from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import { resolveMetrics } from '../../rollout/analysis-args.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { completed, evaluateResult } from './assess.ts'
import { batonMeasurement, readBaton } from './baton-provider.ts'
import { assess, batonWindowMs, dueMetrics, recordMeasurement, startStatus } from './plan.ts'
import { webCheck, webMeasurement } from './web-provider.ts'

export const ANALYSIS_CONTROLLER = 'analysis-controller'
/** The label (Argo's) and annotation naming the revisions a Rollout's run measures. */
export const RUN_HASH_LABEL = 'rollouts-pod-template-hash'
export const RUN_STABLE_HASH_ANNOTATION = 'baton.dev/stable-pod-template-hash'
/** How soon to look again while figures or a web answer are on their way. */
const WAIT_MS = 250

export function createAnalysisController(deps: ControllerDeps): Controller {
  return {
    name: ANALYSIS_CONTROLLER,
    watches: [enqueueSelf('AnalysisRun')],
    reconcile: (key) => reconcileAnalysisRun(deps, key),
  }
}

function revisionHash(run: AnalysisRun, metric: AnalysisMetric): string | undefined {
  return metric.provider.baton?.revision === 'Stable'
    ? run.metadata.annotations?.[RUN_STABLE_HASH_ANNOTATION]
    : run.metadata.labels?.[RUN_HASH_LABEL]
}

export function reconcileAnalysisRun(deps: ControllerDeps, key: string): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const stored = deps.cache.get('AnalysisRun', namespace, name)
  if (!stored?.metadata.uid || stored.metadata.deletionTimestamp || completed(stored.status?.phase)) return {}
  const now = deps.clock.now()
  const st = startStatus(stored, now)
  const metrics = resolveMetrics(stored.spec.metrics, stored.spec.args ?? [])
  if (typeof metrics === 'string') {
    st.phase = 'Error'
    st.message = metrics
    deps.store.updateStatus<'AnalysisRun'>({ ...stored, status: st })
    return {}
  }
  const run: AnalysisRun = { ...stored, spec: { ...stored.spec, metrics } }
  let waitMs: number | undefined
  const waiting = new Set<string>()
  for (const metric of dueMetrics(run, st, now).due) {
    const wait = (ms: number) => {
      waiting.add(metric.name)
      waitMs = Math.min(waitMs ?? ms, ms)
    }
    const result = st.metricResults!.find((r) => r.name === metric.name)!
    const startedAt = formatTimestamp(now)
    if (metric.provider.baton) {
      const hash = revisionHash(run, metric)
      if (!hash) {
        recordMeasurement(result, {
          phase: 'Error',
          message: `the baton provider measures a Rollout's revision: this run has no ${metric.provider.baton.revision === 'Stable' ? `${RUN_STABLE_HASH_ANNOTATION} annotation` : `${RUN_HASH_LABEL} label`}`,
          startedAt,
          finishedAt: startedAt,
        })
        continue
      }
      const sample = deps.traffic?.()
      const reading = readBaton(metric.provider.baton, hash, result.metadata, sample, now, batonWindowMs(metric))
      // No figures yet, or none read since the window's end: the daemon reads them each second.
      if (reading.kind === 'wait') wait(WAIT_MS * 2)
      else {
        result.metadata = { ...result.metadata, ...reading.metadata }
        if (reading.kind === 'measured') {
          recordMeasurement(
            result,
            batonMeasurement(reading, (v) => evaluateResult(v, metric), startedAt, now),
          )
        }
      }
      continue
    }
    if (metric.provider.web) {
      const answer = takeWeb(deps, run, metric, result)
      if (answer === undefined) wait(WAIT_MS)
      else recordMeasurement(result, webMeasurement(metric, answer, startedAt, now))
    }
  }
  assess(run, st)
  if (JSON.stringify(st) !== JSON.stringify(stored.status)) {
    deps.store.updateStatus<'AnalysisRun'>({ ...stored, status: st })
  }
  if (completed(st.phase)) return {}
  const { due, nextAt } = dueMetrics(run, st, now)
  const next = due.some((m) => !waiting.has(m.name)) ? 0 : nextAt === undefined ? undefined : Math.max(0, nextAt - now)
  const after = Math.min(next ?? Number.POSITIVE_INFINITY, waitMs ?? Number.POSITIVE_INFINITY)
  return Number.isFinite(after) ? { requeueAfterMs: Math.max(after, 1) } : {}
}

function takeWeb(deps: ControllerDeps, run: AnalysisRun, metric: AnalysisMetric, result: AnalysisMetricResult) {
  if (!deps.web) return { error: 'this daemon makes no web checks' }
  const n = (result.count ?? 0) + (result.error ?? 0)
  return deps.web(`${run.metadata.uid}/${metric.name}/${n}`, webCheck(metric.provider.web!))
}
