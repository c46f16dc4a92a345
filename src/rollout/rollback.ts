/**
 * @module
 * Client-side rollout verbs with kubectl's semantics and wording: undo (rollback.go),
 * restart (objectrestarter.go), pause and resume (objectpauser.go). Each returns what to write;
 * the caller applies it. Errors are BatonErrors whose messages read as kubectl's do.
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { ANNOTATIONS_TO_SKIP, RESTARTED_AT_ANNOTATION, type Annotations } from './annotations.ts'
import { isControlledBy } from '../api/owner-refs.ts'
import { revision } from './replica-sets.ts'
import { POD_TEMPLATE_HASH_LABEL, equalIgnoreHash } from './template-hash.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export type UndoPlan =
  /** Replace spec.template and metadata.annotations with these (one patch, as kubectl does). */
  | { kind: 'rollback'; template: PodTemplateSpec; annotations: Annotations; revision: number }
  | { kind: 'skipped'; message: string }

function resourceName(d: Deployment): string {
  return `deployments.apps "${d.metadata.name}"`
}

function notFound(message: string): BatonError {
  return new BatonError('BATON_REVISION_NOT_FOUND', message, {
    hint: 'list the revisions with `baton rollout history deployment/<name>`',
  })
}

/**
 * The RS to roll back to: revision `toRevision`, or for 0 the second-highest revision (the one
 * before the current).
 */
function replicaSetForRevision(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision: number): ReplicaSet {
  let latest: { rev: number; rs: ReplicaSet } | undefined
  let previous: { rev: number; rs: ReplicaSet } | undefined
  for (const rs of replicaSets) {
    if (!isControlledBy(rs, d)) continue
    const v = revision(rs)
    if (v === undefined) continue
    if (toRevision > 0) {
      if (v === toRevision) return rs
      continue
    }
    if (!latest || latest.rev < v) {
      previous = latest
      latest = { rev: v, rs }
    } else if (!previous || previous.rev < v) {
      previous = { rev: v, rs }
    }
  }
  if (toRevision > 0) throw notFound(`unable to find specified revision ${toRevision} in history`)
  if (!previous) throw notFound(`no rollout history found for deployment "${d.metadata.name}"`)
  return previous.rs
}

/**
 * `rollout undo [--to-revision=N]`. The target RS's template (minus pod-template-hash) becomes
 * the Deployment's template, and its annotations (change-cause included) replace the
 * Deployment's, except the controller-owned keys, which keep the Deployment's values. The
 * controller then rolls forward to that RS and gives it revision max+1.
 * Note: kubectl's "skipped" message names the revision as given, so a default undo says 0.
 */
export function planUndo(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision: number): UndoPlan {
  if (toRevision < 0) throw notFound(`unable to find specified revision ${toRevision} in history`)
  const target = replicaSetForRevision(d, replicaSets, toRevision)
  if (d.spec.paused) {
    throw new BatonError(
      'BATON_ROLLOUT_PAUSED',
      `you cannot rollback a paused deployment; resume it first with 'baton rollout resume deployment/${d.metadata.name}' and try again`,
      { hint: `run \`baton rollout resume deployment/${d.metadata.name}\`, then undo again` },
    )
  }
  if (equalIgnoreHash(target.spec.template, d.spec.template)) {
    return { kind: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})` }
  }
  const template = structuredClone(target.spec.template)
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL]
  const annotations: Annotations = {}
  for (const key of ANNOTATIONS_TO_SKIP) {
    const v = d.metadata.annotations?.[key]
    if (v !== undefined) annotations[key] = v
  }
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v
  }
  return { kind: 'rollback', template, annotations, revision: revision(target) ?? 0 }
}

/** `rollout restart`: the template with kubectl.kubernetes.io/restartedAt set to `now` (RFC 3339). */
export function restartTemplate(d: Deployment, now: number): PodTemplateSpec {
  if (d.spec.paused) {
    throw new BatonError(
      'BATON_ROLLOUT_PAUSED',
      `${resourceName(d)} can't restart paused deployment (run rollout resume first)`,
      {
        hint: `run \`baton rollout resume deployment/${d.metadata.name}\` first`,
      },
    )
  }
  return restartedTemplate(d.spec.template, now)
}

/** A copy of `t` stamped with kubectl.kubernetes.io/restartedAt (any workload's template). */
export function restartedTemplate(t: PodTemplateSpec, now: number): PodTemplateSpec {
  const template = structuredClone(t)
  template.metadata = {
    ...template.metadata,
    annotations: { ...template.metadata?.annotations, [RESTARTED_AT_ANNOTATION]: formatTimestamp(now) },
  }
  return template
}

/** `rollout pause`: the Deployment with spec.paused set; refused when already paused. */
export function pauseDeployment(d: Deployment): Deployment {
  if (d.spec.paused) {
    throw new BatonError('BATON_ROLLOUT_PAUSED', `${resourceName(d)} is already paused`, {
      hint: `resume it with \`baton rollout resume deployment/${d.metadata.name}\``,
    })
  }
  return { ...d, spec: { ...d.spec, paused: true } }
}

/** `rollout resume`: the Deployment with spec.paused cleared; refused when not paused. */
export function resumeDeployment(d: Deployment): Deployment {
  if (!d.spec.paused) {
    throw new BatonError('BATON_BAD_REQUEST', `${resourceName(d)} is not paused`, {
      hint: `pause it with \`baton rollout pause deployment/${d.metadata.name}\``,
    })
  }
  return { ...d, spec: { ...d.spec, paused: false } }
}
