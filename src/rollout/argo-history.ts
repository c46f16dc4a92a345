/**
 * @module
 * A Rollout's revisions for `baton rollout history rollout/NAME`: one row per ReplicaSet it
 * controls, numbered by Argo's `rollout.argoproj.io/revision` annotation (an undo gives the
 * revision it returns to the next number, so history reads as kubectl's for a Deployment).
 */
import { BatonError } from '../errors/baton-error.ts'
import { isControlledBy } from '../api/owner-refs.ts'
import type { PodTemplateSpec, ReplicaSet, Rollout } from '../api/types.ts'
import { CHANGE_CAUSE_ANNOTATION } from './annotations.ts'
import type { HistoryRow } from './history.ts'

export const ARGO_REVISION_ANNOTATION = 'rollout.argoproj.io/revision'
/** On a Rollout's ReplicaSets and pods: their revision's pod-template-hash (Argo's label). */
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash'
/** On a previous revision's ReplicaSet kept running after a switch: when its pods go (Argo's, RFC 3339). */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'argo-rollouts.argoproj.io/scale-down-deadline'

function byRevision(rollout: Rollout, replicaSets: readonly ReplicaSet[]): Map<number, ReplicaSet> {
  const out = new Map<number, ReplicaSet>()
  for (const rs of replicaSets) {
    if (!isControlledBy(rs, rollout)) continue
    const n = Number(rs.metadata.annotations?.[ARGO_REVISION_ANNOTATION])
    if (Number.isInteger(n) && n > 0) out.set(n, rs)
  }
  return out
}

export function argoRolloutHistory(rollout: Rollout, replicaSets: readonly ReplicaSet[]): HistoryRow[] {
  return [...byRevision(rollout, replicaSets).entries()]
    .sort(([a], [b]) => a - b)
    .map(([revision, rs]) => {
      const cause =
        rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ||
        rs.spec.template.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION]
      return cause ? { revision, changeCause: cause } : { revision }
    })
}

/** The pod template of revision `n` (`rollout history rollout/NAME --revision=n`). */
export function argoRevisionTemplate(rollout: Rollout, replicaSets: readonly ReplicaSet[], n: number): PodTemplateSpec {
  const rs = byRevision(rollout, replicaSets).get(n)
  if (!rs) {
    throw new BatonError('BATON_REVISION_NOT_FOUND', `rollout '${rollout.metadata.name}' has no revision ${n}`, {
      hint: `list the revisions with baton rollout history rollout/${rollout.metadata.name}`,
    })
  }
  return rs.spec.template
}
