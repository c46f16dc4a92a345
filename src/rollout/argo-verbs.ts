/**
 * @module
 * The kubectl-argo-rollouts plugin's verbs for a Rollout, as pure changes to its status (or
 * spec), which the commands write through the status subresource:
 *  - promote: leave the pause the rollout waits in (or spec.paused), else skip the current step
 *    (blueGreen: promote the preview once it is available);
 *  - promote --full: skip every remaining step;
 *  - abort: every request back to the stable revision at once;
 *  - retry: after an abort, run the steps again from the first.
 */
import type { ReplicaSet, Rollout, RolloutStatus } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'

const HASH_LABELS = ['rollouts-pod-template-hash', 'pod-template-hash']
const REVISION = 'rollout.argoproj.io/revision'

/** What a verb writes (client/rollout-verb.ts writes it). */
export interface VerbResult {
  status?: RolloutStatus
  /** spec.paused to write (through the object, not the status subresource). */
  unpause?: boolean
  message: string
}

function inCanary(r: Rollout): boolean {
  return r.status?.stableRS !== undefined && r.status.currentPodHash !== r.status.stableRS
}

export function promote(r: Rollout, full: boolean): VerbResult {
  const st: RolloutStatus = structuredClone(r.status ?? {})
  const name = `rollout '${r.metadata.name}'`
  if (st.abort) {
    throw new BatonError('BATON_INVALID', `${name} is aborted: promote does not resume it`, {
      hint: `Run baton rollout retry rollout/${r.metadata.name} to run the steps again`,
    })
  }
  if (full) {
    st.promoteFull = true
    delete st.pauseConditions
    return { status: st, unpause: r.spec.paused === true, message: `${name} fully promoted` }
  }
  if (r.spec.paused) return { unpause: true, message: `${name} promoted` }
  if ((st.pauseConditions ?? []).length > 0) {
    st.pauseConditions = []
    return { status: st, message: `${name} promoted` }
  }
  if (r.spec.strategy.blueGreen?.prePromotionAnalysis && inCanary(r)) {
    throw new BatonError('BATON_INVALID', `${name}: its preview is judged by its prePromotionAnalysis first`, {
      hint: `Wait for the analysis (baton get rollout ${r.metadata.name}), or skip it with baton rollout promote --full rollout/${r.metadata.name}`,
    })
  }
  if (r.spec.strategy.blueGreen && inCanary(r)) {
    // A preview still scaling up: promote it once it is available.
    st.promoteFull = true
    return { status: st, message: `${name} promoted` }
  }
  const steps = r.spec.strategy.canary?.steps ?? []
  if (!inCanary(r) || (st.currentStepIndex ?? 0) >= steps.length) {
    throw new BatonError('BATON_INVALID', `${name} is not running a canary: nothing to promote`, {
      hint: `Change the template (baton set image rollout/${r.metadata.name} ...) to start one`,
    })
  }
  st.currentStepIndex = (st.currentStepIndex ?? 0) + 1
  return { status: st, message: `${name} promoted` }
}

export function abort(r: Rollout): VerbResult {
  if (!inCanary(r)) {
    throw new BatonError('BATON_INVALID', `rollout '${r.metadata.name}' is not running a canary: nothing to abort`, {
      hint: 'Abort applies while a new revision is being rolled out',
    })
  }
  return {
    status: { ...structuredClone(r.status ?? {}), abort: true },
    message: `rollout '${r.metadata.name}' aborted`,
  }
}

export function retry(r: Rollout): VerbResult {
  if (!r.status?.abort) {
    throw new BatonError('BATON_INVALID', `rollout '${r.metadata.name}' is not aborted: nothing to retry`, {
      hint: `See its state with baton get rollout ${r.metadata.name}`,
    })
  }
  const st = structuredClone(r.status)
  delete st.abort
  delete st.abortedAt
  delete st.message
  delete st.pauseConditions
  delete st.controllerPause
  // The analysis runs again too: new runs, as Argo makes on a retry.
  if (st.canary) {
    delete st.canary.currentStepAnalysisRunStatus
    delete st.canary.currentBackgroundAnalysisRunStatus
  }
  delete st.blueGreen
  st.currentStepIndex = 0
  return { status: st, message: `rollout '${r.metadata.name}' retried` }
}

/**
 * `undo`: the template of revision `toRevision` (0: the one before the current), without the
 * hash labels the controller added.
 */
export function undoTemplate(
  r: Rollout,
  replicaSets: readonly ReplicaSet[],
  toRevision: number,
): Rollout['spec']['template'] {
  const rev = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0)
  const current = replicaSets.find((rs) => rs.metadata.labels?.[HASH_LABELS[0]!] === r.status?.currentPodHash)
  const candidates = [...replicaSets].filter((rs) => rs !== current).sort((a, b) => rev(b) - rev(a))
  const target = toRevision === 0 ? candidates[0] : candidates.find((rs) => rev(rs) === toRevision)
  if (!target) {
    throw new BatonError(
      'BATON_NOT_FOUND',
      `rollout '${r.metadata.name}' has no ${toRevision === 0 ? 'previous revision' : `revision ${toRevision}`}`,
      {
        hint: `The revisions are: ${
          replicaSets
            .map(rev)
            .sort((a, b) => a - b)
            .join(', ') || 'none'
        }`,
      },
    )
  }
  const template = structuredClone(target.spec.template)
  const labels = { ...template.metadata?.labels }
  for (const l of HASH_LABELS) delete labels[l]
  template.metadata = { ...template.metadata, labels }
  return template
}

/**
 * Why the Rollout's analysis aborted it, or undefined when it was not its analysis (a user's
 * `abort`): the run in force ended Failed or Error, or a run could not be made.
 */
export function analysisAbort(r: Rollout): string | undefined {
  const st = r.status
  if (!st?.abort) return undefined
  const runs = [
    st.canary?.currentStepAnalysisRunStatus,
    st.canary?.currentBackgroundAnalysisRunStatus,
    st.blueGreen?.prePromotionAnalysisRunStatus,
    st.blueGreen?.postPromotionAnalysisRunStatus,
  ]
  const failed = runs.find((x) => x?.status === 'Failed' || x?.status === 'Error')
  if (failed) return `analysis run '${failed.name}' ${failed.status}${failed.message ? `: ${failed.message}` : ''}`
  if (/\banalysis: /.test(st.message ?? '')) return (st.message ?? '').replace(/^RolloutAborted: /, '')
  return undefined
}
