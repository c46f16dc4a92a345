/**
 * @module
 * A Rollout's ReplicaSets by the part each plays now, for the Rollout page: canary: stable and
 * canary; blueGreen: active (the revision activeService points at) and preview (the new
 * revision waiting for promotion), and while a post-promotion analysis runs the previous
 * revision stays stable beside the active one. A previous revision kept running after a
 * switch (blueGreen's scaleDownDelaySeconds) is warm until its scale-down deadline: an undo
 * inside it finds its pods running. Everything else is an old revision.
 */
import { parseTimestamp } from '../../api/timestamps.ts'
import type { ReplicaSet, Rollout } from '../../api/types.ts'
import {
  ARGO_REVISION_ANNOTATION,
  ROLLOUT_HASH_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
} from '../../rollout/argo-history.ts'

export type RevisionRole = 'stable' | 'canary' | 'active' | 'preview' | 'old'

export interface RevisionView {
  rs: ReplicaSet
  revision: number
  hash: string
  role: RevisionRole
  /** Epoch ms its pods are scaled down at, while a previous revision is kept warm. */
  warmUntil?: number
}

const hashOf = (rs: ReplicaSet) => rs.metadata.labels?.[ROLLOUT_HASH_LABEL] ?? ''
const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[ARGO_REVISION_ANNOTATION] ?? 0) || 0

function roleOf(r: Rollout, hash: string): RevisionRole {
  const st = r.status ?? {}
  if (r.spec.strategy.blueGreen) {
    const active = st.blueGreen?.activeSelector ?? st.stableRS
    if (hash === active) return 'active'
    if (hash === st.currentPodHash) return 'preview'
    return hash === st.stableRS ? 'stable' : 'old'
  }
  if (hash === st.stableRS) return 'stable'
  return hash === st.currentPodHash ? 'canary' : 'old'
}

/** The ReplicaSets `r` controls (the caller's filter), newest revision first, each with its role. */
export function rolloutRevisions(r: Rollout, replicaSets: readonly ReplicaSet[]): RevisionView[] {
  return replicaSets
    .map((rs) => {
      const hash = hashOf(rs)
      const view: RevisionView = { rs, revision: revisionOf(rs), hash, role: roleOf(r, hash) }
      const deadline = parseTimestamp(rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] || undefined)
      // 0: no deadline (absent, or cleared when the revision serves again).
      if (deadline > 0 && (rs.spec.replicas ?? 0) > 0) view.warmUntil = deadline
      return view
    })
    .sort((a, b) => b.revision - a.revision)
}

/** "stable", "canary", "active", "preview", "previous, warm": the badge beside a revision. */
export function roleText(v: RevisionView): string {
  if (v.warmUntil !== undefined && (v.role === 'old' || v.role === 'stable')) return 'previous, kept warm'
  return v.role
}
