/**
 * @module
 * A canary's analysis (Argo's rollout/analysis.go), for one sync: the AnalysisRun of an
 * `analysis` step and the background run of `canary.analysis`, made from their
 * AnalysisTemplates with the args resolved, and what their verdicts do to the Rollout:
 * Successful ends the step; Failed or Error aborts (all traffic back to stable, Degraded);
 * Inconclusive pauses until `baton rollout promote`. A run is owned by the Rollout and named as
 * Argo names it, `<rollout>-<hash>-<revision>[-<step>]`, with `.N` added when a retry needs a
 * new one. A missing template or an argument without a value aborts with a message naming it.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import type {
  AnalysisMetric,
  AnalysisPhase,
  AnalysisRun,
  AnalysisTemplate,
  RolloutAnalysis,
  RolloutAnalysisRunStatus,
} from '../../api/types.ts'
import { mergeArgs, resolveMetrics } from '../../rollout/analysis-args.ts'
import { formatTimestamp } from '../../api/timestamps.ts'
import { ROLLOUT_HASH_LABEL, ROLLOUT_REVISION_ANNOTATION, event, type Sync } from './sync.ts'

/** The annotation naming the stable revision a run's baton metrics may compare (revision: Stable). */
export const STABLE_HASH_ANNOTATION = 'baton.dev/stable-pod-template-hash'

export interface AnalysisView {
  templates: readonly AnalysisTemplate[]
  /** AnalysisRuns the Rollout owns. */
  runs: readonly AnalysisRun[]
  hash: string
  stableHash: string
  revision: number
}

export type RunVerdict =
  | { phase: AnalysisPhase; status: RolloutAnalysisRunStatus }
  /** The run could not be made: the Rollout aborts with this message. */
  | { invalid: string }

const BAD: readonly AnalysisPhase[] = ['Failed', 'Error']

/** Argo's rollout-type label values. */
export type RunKind = 'Step' | 'Background' | 'PrePromotion' | 'PostPromotion'
/** Argo names a blueGreen run `<rollout>-<hash>-<revision>-pre` / `-post`. */
const RUN_SUFFIX: Partial<Record<RunKind, string>> = { PrePromotion: '-pre', PostPromotion: '-post' }

function build(
  s: Sync,
  v: AnalysisView,
  ref: RolloutAnalysis,
  name: string,
  labels: Record<string, string>,
): AnalysisRun | string {
  const metrics: AnalysisMetric[] = []
  const declared = []
  for (const t of ref.templates) {
    const template = v.templates.find((x) => x.metadata.name === t.templateName)
    if (!template) return `AnalysisTemplate "${t.templateName}" not found`
    for (const m of template.spec.metrics) {
      if (metrics.some((x) => x.name === m.name)) {
        return `two templates define the metric "${m.name}" (${ref.templates.map((x) => x.templateName).join(', ')})`
      }
      metrics.push(m)
    }
    declared.push(...(template.spec.args ?? []))
  }
  const r = s.r
  const args = mergeArgs(declared, ref.args ?? [], { stable: v.stableHash, latest: v.hash }, r)
  if (typeof args === 'string') return args
  const resolved = resolveMetrics(metrics, args)
  if (typeof resolved === 'string') return resolved
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      ...(r.metadata.namespace !== undefined ? { namespace: r.metadata.namespace } : {}),
      labels: { ...labels, [ROLLOUT_HASH_LABEL]: v.hash },
      annotations: { [ROLLOUT_REVISION_ANNOTATION]: String(v.revision), [STABLE_HASH_ANNOTATION]: v.stableHash },
      ownerReferences: [controllerRef('argoproj.io/v1alpha1', 'Rollout', r.metadata)],
    },
    spec: { args, metrics: resolved },
  }
}

/** The first free name: `base`, else `base.1`, `base.2`... (Argo's collision counter). */
function freeName(base: string, runs: readonly AnalysisRun[]): string {
  const taken = new Set(runs.map((x) => x.metadata.name))
  if (!taken.has(base)) return base
  for (let n = 1; ; n++) if (!taken.has(`${base}.${n}`)) return `${base}.${n}`
}

/**
 * The run `current` names if it exists, else a new one (a createAnalysisRun action). Returns
 * its verdict; a new run is Pending.
 */
export function ensureRun(
  s: Sync,
  v: AnalysisView,
  ref: RolloutAnalysis,
  current: RolloutAnalysisRunStatus | undefined,
  kind: RunKind,
  stepIndex?: number,
): RunVerdict {
  const existing = current ? v.runs.find((x) => x.metadata.name === current.name) : undefined
  if (existing) {
    const phase = existing.status?.phase ?? 'Pending'
    const message = existing.status?.message
    return { phase, status: { name: existing.metadata.name, status: phase, ...(message ? { message } : {}) } }
  }
  const suffix = stepIndex !== undefined ? `-${stepIndex}` : (RUN_SUFFIX[kind] ?? '')
  const base = `${s.r.metadata.name}-${v.hash}-${v.revision}${suffix}`
  const labels: Record<string, string> = { 'rollout-type': kind }
  if (stepIndex !== undefined) labels['step-index'] = String(stepIndex)
  const run = build(s, v, ref, freeName(base, v.runs), labels)
  if (typeof run === 'string') return { invalid: run }
  s.actions.push({ type: 'createAnalysisRun', run })
  s.actions.push({
    type: 'event',
    eventType: 'Normal',
    reason: 'AnalysisRunRunning',
    message: `${kind} Analysis Run '${run.metadata.name}' Status New: 'Running' Previous: ''`,
  })
  return { phase: 'Pending', status: { name: run.metadata.name, status: 'Pending' } }
}

export const failed = (p: AnalysisPhase): boolean => BAD.includes(p)

/** Asks a run still under way to stop (spec.terminate, as Argo's terminate). */
export function terminate(s: Sync, v: AnalysisView, status: RolloutAnalysisRunStatus | undefined): void {
  const run = status ? v.runs.find((x) => x.metadata.name === status.name) : undefined
  if (!run || run.spec.terminate) return
  const phase = run.status?.phase
  if (phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive') return
  s.actions.push({ type: 'terminateAnalysisRun', name: run.metadata.name })
}

/**
 * Argo's pause protocol for an Inconclusive run: pause (InconclusiveAnalysisRun) until
 * `promote` removes the condition. True once promoted.
 */
export function inconclusivePause(s: Sync, run: RolloutAnalysisRunStatus): boolean {
  const st = s.st
  const conditions = st.pauseConditions ?? []
  if (st.controllerPause && conditions.length === 0) {
    st.controllerPause = false
    return true
  }
  if (!conditions.some((c) => c.reason === 'InconclusiveAnalysisRun')) {
    st.pauseConditions = [...conditions, { reason: 'InconclusiveAnalysisRun', startTime: formatTimestamp(s.now) }]
    st.controllerPause = true
    event(
      s,
      'RolloutPaused',
      `Rollout is paused (InconclusiveAnalysisRun): analysis run '${run.name}' is Inconclusive${run.message ? `: ${run.message}` : ''}`,
    )
  }
  return false
}

/** Argo's abort on a failed analysis: the Rollout is Degraded with the run's reason. */
export function abortFromAnalysis(s: Sync, why: string): void {
  const st = s.st
  st.abort = true
  st.abortedAt = formatTimestamp(s.now)
  st.message = `RolloutAborted: ${why}`
  event(s, 'RolloutAborted', `${st.message}: all traffic back to stable (${s.st.stableRS ?? ''})`, 'Warning')
}
