/**
 * @module
 * The AnalysisRun controller: takes the measurements that are due (the baton provider from the
 * load balancer's figures, the web provider through the daemon's GETs, the job provider as pods
 * it owns, their output's tail through the daemon), records them and writes the run's verdict.
 * A job's measurement is recorded Running while its pod runs and finished in place, as Argo's.
 * A run that is over stops the job pods still running (Argo terminates their Jobs), their
 * measurements ending "metric terminated". The Rollout controller reads the verdict (its runs
 * are owned by it). Args read from a Secret are resolved on each sync and their values masked
 * in what the run stores (rollout/analysis-secret-args.ts).
 */
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import type { AnalysisMetric, AnalysisMetricResult, AnalysisRun } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import { type Controller, type ReconcileResult, enqueueController, enqueueSelf } from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import { resolveMetrics } from '../../rollout/analysis-args.ts'
import { maskResults, resolveSecretArgs } from '../../rollout/analysis-secret-args.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { completed, evaluateResult, isTerminating } from './assess.ts'
import { batonMeasurement, readBaton } from './baton-provider.ts'
import {
  assess,
  batonWindowMs,
  dueMetrics,
  recordMeasurement,
  runningMeasurement,
  startStatus,
  terminateRunning,
} from './plan.ts'
import { webCheck, webMeasurement } from './web-provider.ts'
import {
  JOB_NAME_KEY,
  METRIC_ANNOTATION,
  MEASUREMENT_LABEL,
  attemptsOf,
  jobName,
  jobStep,
  withOutputTail,
} from './job-provider.ts'

export const ANALYSIS_CONTROLLER = 'analysis-controller'
/** The label (Argo's) and annotation naming the revisions a Rollout's run measures. */
export const RUN_HASH_LABEL = 'rollouts-pod-template-hash'
export const RUN_STABLE_HASH_ANNOTATION = 'baton.dev/stable-pod-template-hash'
/** How soon to look again while figures or a web answer are on their way. */
const WAIT_MS = 250
/** A job attempt's pod wakes its run when it changes; this is only the safety net. */
const JOB_POLL_MS = 5_000

export function createAnalysisController(deps: ControllerDeps): Controller {
  return {
    name: ANALYSIS_CONTROLLER,
    watches: [
      enqueueSelf('AnalysisRun'),
      enqueueController('Pod', 'AnalysisRun'),
      // Read for secret args when a run is assessed; a change wakes no run, as in Argo (a run
      // that found no Secret has ended Error; the next run reads it).
      { kind: 'Secret', predicate: () => false, keys: () => [] },
    ],
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
  if (!stored?.metadata.uid || stored.metadata.deletionTimestamp) return {}
  if (completed(stored.status?.phase)) {
    stopJobPods(deps, stored)
    return {}
  }
  const now = deps.clock.now()
  const st = startStatus(stored, now)
  // Secrets are read on every sync, as Argo's resolveArgs does: the run holds their names only.
  const args = resolveSecretArgs(stored.spec.args ?? [], (secret) => deps.cache.get('Secret', namespace, secret))
  const metrics = 'error' in args ? args.error : resolveMetrics(stored.spec.metrics, args.args)
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
    if (metric.provider.job) {
      const waitFor = takeJob(deps, run, metric, result, now)
      if (waitFor !== undefined) wait(waitFor)
    }
  }
  // What this sync measured is stored, and assessed, with the Secrets' values masked.
  if (!('error' in args)) maskResults(st.metricResults ?? [], args.secrets)
  assess(run, st)
  // Terminating (asked to, or a metric ended badly just now): jobs in flight end "metric terminated".
  if (terminateRunning(run, st, now)) assess(run, st)
  if (JSON.stringify(st) !== JSON.stringify(stored.status)) {
    deps.store.updateStatus<'AnalysisRun'>({ ...stored, status: st })
  }
  if (completed(st.phase) || isTerminating(run)) stopJobPods(deps, run)
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

/**
 * One step of a job metric's measurement (job-provider.ts): start an attempt, wait for one, or
 * record the outcome with its output's tail and drop the pods of the measurements before it
 * (the latest one's stay, for `baton logs`). Returns how long to wait, or undefined once recorded.
 */
function takeJob(
  deps: ControllerDeps,
  run: AnalysisRun,
  metric: AnalysisMetric,
  result: AnalysisMetricResult,
  now: number,
): number | undefined {
  const n = (result.count ?? 0) + (result.error ?? 0) + 1
  const owned = deps.cache.ownedBy('Pod', run.metadata.uid!)
  const attempts = attemptsOf(owned, metric, n)
  const step = jobStep(run, metric, n, attempts, now, deps.nodeName ?? DEFAULT_NODE_NAME)
  const metadata = { [JOB_NAME_KEY]: jobName(run, metric, n) }
  // Argo's measurement while the job runs: Running since its first attempt, finished in place.
  const startedAt =
    runningMeasurement(result)?.startedAt ?? attempts[0]?.metadata.creationTimestamp ?? formatTimestamp(now)
  if (step.kind !== 'done') recordMeasurement(result, { phase: 'Running', startedAt, metadata })
  if (step.kind === 'start') {
    try {
      deps.store.create<'Pod'>(step.pod)
    } catch (err) {
      // Created by an earlier sync the cache has not shown yet: the same attempt, not a second.
      if (!(isBatonError(err) && err.code === 'BATON_ALREADY_EXISTS')) throw err
    }
    return JOB_POLL_MS
  }
  if (step.kind === 'wait') return step.afterMs ?? JOB_POLL_MS
  let output: string | undefined
  if (step.output && deps.jobs) {
    output = deps.jobs(`${run.metadata.uid}/${metric.name}/${n}`, step.output)
    if (output === undefined) return WAIT_MS
  }
  // Stopped only once its output is read: a pod restarted in place past backoffLimit still runs.
  for (const pod of step.stop) deletePod(deps, run, pod)
  recordMeasurement(result, {
    phase: step.phase,
    message: withOutputTail(step.message, output),
    ...(step.exitCode !== undefined ? { value: String(step.exitCode) } : {}),
    startedAt,
    finishedAt: formatTimestamp(now),
    metadata,
  })
  for (const pod of owned) {
    const m = Number(pod.metadata.labels?.[MEASUREMENT_LABEL])
    if (pod.metadata.annotations?.[METRIC_ANNOTATION] === metric.name && m < n) deletePod(deps, run, pod.metadata.name)
  }
  return undefined
}

/** Deletes the run's job pods that still run: the run is over, so their measurements never count. */
function stopJobPods(deps: ControllerDeps, run: AnalysisRun): void {
  for (const pod of deps.cache.ownedBy('Pod', run.metadata.uid!)) {
    const phase = pod.status?.phase
    if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) continue
    deletePod(deps, run, pod.metadata.name)
  }
}

function deletePod(deps: ControllerDeps, run: AnalysisRun, name: string): void {
  try {
    deps.store.delete('Pod', run.metadata.namespace ?? 'default', name)
  } catch (err) {
    if (!(isBatonError(err) && err.code === 'BATON_NOT_FOUND')) throw err
  }
}
