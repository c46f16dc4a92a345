/**
 * @module
 * `rollout history`: one row per revision held by the Deployment's ReplicaSets, with the
 * change-cause annotation (kubectl polymorphichelpers/history.go).
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { CHANGE_CAUSE_ANNOTATION } from './annotations.ts'
import { isControlledBy } from '../api/owner-refs.ts'
import { revision } from './replica-sets.ts'

export interface HistoryRow {
  revision: number
  /** The change-cause annotation, or undefined (printed as `<none>`). */
  changeCause?: string
}

interface HistoryEntry {
  template: PodTemplateSpec
  changeCause?: string
}

/** revision → template; RSs with an unreadable revision are skipped, later duplicates win. */
function historyByRevision(replicaSets: readonly ReplicaSet[]): Map<number, HistoryEntry> {
  const byRevision = new Map<number, HistoryEntry>()
  for (const rs of replicaSets) {
    const v = revision(rs)
    if (v === undefined) continue
    const cause =
      rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ||
      rs.spec.template.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION]
    byRevision.set(v, { template: rs.spec.template, ...(cause ? { changeCause: cause } : {}) })
  }
  return byRevision
}

/** Rows for the ReplicaSets `deployment` controls, sorted by revision as kubectl prints them. */
export function rolloutHistory(deployment: Deployment, replicaSets: readonly ReplicaSet[]): HistoryRow[] {
  const owned = replicaSets.filter((rs) => isControlledBy(rs, deployment))
  return [...historyByRevision(owned).entries()]
    .sort(([a], [b]) => a - b)
    .map(([rev, e]) => ({ revision: rev, ...(e.changeCause !== undefined ? { changeCause: e.changeCause } : {}) }))
}

/**
 * kubectl's table: tab-aligned with two spaces of padding; "No rollout history found." when
 * there are no rows.
 *
 * @example
 * formatRolloutHistory([{ revision: 1 }, { revision: 2, changeCause: 'set image' }])
 * // "REVISION  CHANGE-CAUSE\n1         <none>\n2         set image\n"
 */
export function formatRolloutHistory(rows: readonly HistoryRow[]): string {
  if (rows.length === 0) return 'No rollout history found.'
  const cells = [['REVISION', 'CHANGE-CAUSE'], ...rows.map((r) => [String(r.revision), r.changeCause || '<none>'])]
  const width = Math.max(...cells.map(([rev]) => (rev ?? '').length)) + 2
  return cells.map(([rev, cause]) => `${(rev ?? '').padEnd(width)}${cause ?? ''}\n`).join('')
}

/** The pod template recorded for revision `n` (`rollout history --revision=n`). */
export function revisionTemplate(replicaSets: readonly ReplicaSet[], n: number): PodTemplateSpec {
  const entry = historyByRevision(replicaSets).get(n)
  if (!entry) {
    throw new BatonError('BATON_REVISION_NOT_FOUND', 'unable to find the specified revision', {
      hint: 'list the revisions with `baton rollout history deployment/<name>`',
    })
  }
  return entry.template
}

/** The revision before `n` in the history (the highest number below it) and its template; undefined for the first. */
export function previousRevision(
  replicaSets: readonly ReplicaSet[],
  n: number,
): { revision: number; template: PodTemplateSpec } | undefined {
  const earlier = [...historyByRevision(replicaSets).entries()].filter(([rev]) => rev < n).sort(([a], [b]) => b - a)[0]
  return earlier ? { revision: earlier[0], template: earlier[1].template } : undefined
}
