/**
 * @module
 * What a failure policy (api/failure-policy.ts) did to a Deployment, as the failure-policy
 * controller records it and `baton rollout status` / `baton verify` read it back:
 *
 * - each judged ReplicaSet carries its verdict (`baton.dev/failure-policy-verdict`), so a
 *   revision is decided once (a rolled-back one again only when applied again) and a failed
 *   one is never the "last good" rollback target;
 * - the Deployment carries the generation its automatic rollback or pause produced: the
 *   outcome holds while the Deployment is at that generation, and the next change ends it;
 * - the `FailurePolicy` condition says why, figures included.
 */
import { failurePolicyOf } from '../api/failure-policy.ts'
import type { Deployment, DeploymentCondition, ReplicaSet } from '../api/types.ts'
import { getDeploymentCondition, REASON_PROGRESS_DEADLINE_EXCEEDED } from './conditions.ts'
import { revision } from './replica-sets.ts'

export const VERDICT_ANNOTATION = 'baton.dev/failure-policy-verdict'
export const ROLLED_BACK_GENERATION_ANNOTATION = 'baton.dev/rolled-back-generation'
export const PAUSED_GENERATION_ANNOTATION = 'baton.dev/failure-paused-generation'

/**
 * failed: paused or carried on over, and not judged again (resuming means carrying on);
 * rolled-back: judged again if the Deployment returns to it (applying it again is a new try).
 */
export type RevisionVerdict = 'passed' | 'failed' | 'rolled-back' | 'inconclusive'

export const FAILURE_POLICY_CONDITION = 'FailurePolicy'
export const REASON_ROLLED_BACK = 'RolledBack'
export const REASON_PAUSED = 'Paused'
export const REASON_CONTINUED = 'Continued'
export const REASON_VERIFIED = 'RevisionVerified'
export const REASON_INCONCLUSIVE = 'RevisionInconclusive'

export function verdictOf(rs: ReplicaSet): RevisionVerdict | undefined {
  const v = rs.metadata.annotations?.[VERDICT_ANNOTATION]
  return v === 'passed' || v === 'failed' || v === 'rolled-back' || v === 'inconclusive' ? v : undefined
}

export function failurePolicyCondition(d: Deployment): DeploymentCondition | undefined {
  return d.status?.conditions?.find((c) => c.type === FAILURE_POLICY_CONDITION)
}

export interface AutomaticOutcome {
  kind: 'rolledBack' | 'paused'
  /** The condition's message: which revision failed, why, with figures. */
  message: string
  /** When it happened (RFC 3339), from the condition. */
  at?: string
}

/** The automatic rollback or pause the Deployment is in now, if any. */
export function automaticOutcome(d: Deployment): AutomaticOutcome | undefined {
  const generation = String(d.metadata.generation ?? 0)
  const a = d.metadata.annotations ?? {}
  const kind =
    a[ROLLED_BACK_GENERATION_ANNOTATION] === generation
      ? 'rolledBack'
      : a[PAUSED_GENERATION_ANNOTATION] === generation && d.spec.paused
        ? 'paused'
        : undefined
  if (!kind) return undefined
  const c = failurePolicyCondition(d)
  const expected = kind === 'rolledBack' ? REASON_ROLLED_BACK : REASON_PAUSED
  const message = c?.reason === expected && c.message ? c.message : 'the failure policy acted'
  return { kind, message, ...(c?.reason === expected && c.lastTransitionTime ? { at: c.lastTransitionTime } : {}) }
}

/**
 * True while a failed rollout's outcome is still the policy's to decide: the progress deadline
 * passed on a Deployment whose policy rolls back or pauses and that has an earlier revision to
 * judge against. `rollout status` waits for that decision instead of reporting the deadline.
 */
export function awaitingFailurePolicy(d: Deployment): boolean {
  const policy = failurePolicyOf(d.metadata.annotations)
  if (!policy || policy.action === 'continue' || d.spec.paused) return false
  const progressing = getDeploymentCondition(d.status, 'Progressing')
  return progressing?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED && (revision(d) ?? 0) > 1
}
