/**
 * @module
 * The annotations the Deployment controller reads and writes, and the rules for carrying a
 * Deployment's annotations onto its ReplicaSets (deployment_util.go). All functions return new
 * maps; inputs are never mutated.
 */
import type { Deployment } from '../api/types.ts'
import { maxSurge } from './fenceposts.ts'
import { desiredReplicas } from './spec-defaults.ts'

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision'
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history'
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas'
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas'
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause'
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt'
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration'
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to'

/** Deployment annotations that never travel to a ReplicaSet (nor back on rollback). */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
])

/** Kubernetes' default cap on the revision-history annotation (controller flag). */
export const MAX_REVISION_HISTORY_CHARS = 2000

export type Annotations = Record<string, string>

export interface AnnotationUpdate {
  annotations: Annotations
  changed: boolean
}

/** Copies every non-skipped Deployment annotation onto the RS's; never removes any. */
export function copyDeploymentAnnotations(d: Deployment, rsAnnotations: Annotations | undefined): AnnotationUpdate {
  const annotations = { ...rsAnnotations }
  let changed = false
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || annotations[k] === v) continue
    annotations[k] = v
    changed = true
  }
  return { annotations, changed }
}

/** Parses a revision string like Go's ParseInt: undefined when it is not a whole number. */
export function parseRevisionString(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined
}

/**
 * Appends `oldRevision` to a comma list, dropping the oldest entries until the result fits in
 * `limit` characters. Example with limit 5: "10,11" + "12" → "11,12".
 */
export function appendRevisionHistory(
  history: string | undefined,
  oldRevision: string,
  limit: number,
): string | undefined {
  if (!history) return oldRevision
  const entries = history.split(',')
  let total = history.length + oldRevision.length + 1
  let start = 0
  while (total > limit && start < entries.length) {
    total -= (entries[start] ?? '').length + 1
    start++
  }
  if (total > limit) return history
  return [...entries.slice(start), oldRevision].join(',')
}

/**
 * The annotations a Deployment's new ReplicaSet should carry: copied Deployment annotations,
 * revision raised to `newRevision` when lower (the previous number moves into revision-history:
 * that is how a rollback shows up), and, for an RS about to be created, desired/max replicas.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rsAnnotations: Annotations | undefined,
  newRevision: number,
  exists: boolean,
  historyLimitChars: number = MAX_REVISION_HISTORY_CHARS,
): AnnotationUpdate {
  const copied = copyDeploymentAnnotations(d, rsAnnotations)
  const annotations = copied.annotations
  let changed = copied.changed
  const oldRevision = annotations[REVISION_ANNOTATION]
  let oldRevisionNumber = 0
  if (oldRevision !== undefined && oldRevision !== '') {
    const parsed = parseRevisionString(oldRevision)
    // An unreadable revision is left alone (Kubernetes logs and reports "unchanged").
    if (parsed === undefined) return { annotations, changed: false }
    oldRevisionNumber = parsed
  }
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision)
    changed = true
    if (oldRevision !== undefined) {
      const history = appendRevisionHistory(annotations[REVISION_HISTORY_ANNOTATION], oldRevision, historyLimitChars)
      if (history !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = history
    }
  }
  if (!exists) {
    const replicas = setReplicasAnnotations(annotations, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))
    return { annotations: replicas.annotations, changed: changed || replicas.changed }
  }
  return { annotations, changed }
}

/** Records the Deployment size an RS was last scaled for (desired) and desired + surge (max). */
export function setReplicasAnnotations(
  annotations: Annotations | undefined,
  desired: number,
  max: number,
): AnnotationUpdate {
  const out = { ...annotations }
  const changed = replicasAnnotationsNeedUpdate(annotations, desired, max)
  out[DESIRED_REPLICAS_ANNOTATION] = String(desired)
  out[MAX_REPLICAS_ANNOTATION] = String(max)
  return { annotations: out, changed }
}

export function replicasAnnotationsNeedUpdate(
  annotations: Annotations | undefined,
  desired: number,
  max: number,
): boolean {
  return (
    annotations?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) ||
    annotations?.[MAX_REPLICAS_ANNOTATION] !== String(max)
  )
}

/** A non-negative int32 annotation value, or undefined when missing or malformed. */
export function replicasAnnotation(annotations: Annotations | undefined, key: string): number | undefined {
  const v = annotations?.[key]
  if (v === undefined || !/^\d+$/.test(v)) return undefined
  const n = Number(v)
  return n <= 2147483647 ? n : undefined
}
