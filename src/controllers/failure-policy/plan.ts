/**
 * @module
 * The failure-policy planner (pure): given a Deployment with a failure policy
 * (api/failure-policy.ts), its ReplicaSets, the new revision's pods and the load balancer's
 * figures for the new and the stable revision over the rollout so far, decide whether the
 * new revision failed and what to do about it: roll back to the last good revision, pause,
 * or carry on; or, once every new pod has been available for the monitor window, record the
 * verdict (passed, or inconclusive when too few requests reached it).
 *
 * Failure signals, any of which fails the revision:
 * - new pods that restarted, crash-loop, failed, or ran a whole monitor window without being
 *   Ready (failing their readiness probe), more than max-failure-ratio × replicas of them;
 * - the Progressing condition at ProgressDeadlineExceeded;
 * - the figures: failure ratio or p99 beyond the limits against the stable revision, once
 *   the new revision has the minimum sample (rollout/revision-figures.ts).
 *
 * The first revision of a Deployment has nothing to compare with or go back to: not judged.
 */
import { type FailurePolicy, failurePolicyOf } from '../../api/failure-policy.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import { isPodReady, podReadyCondition } from '../../api/pod-readiness.ts'
import { parseTimestamp } from '../../api/timestamps.ts'
import type { Deployment, DeploymentCondition, Pod, PodTemplateSpec, ReplicaSet } from '../../api/types.ts'
import {
  REASON_PROGRESS_DEADLINE_EXCEEDED,
  getDeploymentCondition,
  newDeploymentCondition,
} from '../../rollout/conditions.ts'
import {
  FAILURE_POLICY_CONDITION,
  PAUSED_GENERATION_ANNOTATION,
  REASON_CONTINUED,
  REASON_INCONCLUSIVE,
  REASON_PAUSED,
  REASON_ROLLED_BACK,
  REASON_VERIFIED,
  ROLLED_BACK_GENERATION_ANNOTATION,
  type RevisionVerdict,
  automaticOutcome,
  verdictOf,
} from '../../rollout/failure-outcome.ts'
import { findNewReplicaSet, revision } from '../../rollout/replica-sets.ts'
import { judgeRevision, type Judgement, type RevisionCounters } from '../../rollout/revision-figures.ts'
import { planUndo } from '../../rollout/rollback.ts'

/** How often figures are read again while a revision is watched. */
export const FIGURES_EVERY_MS = 1_000

export interface FailurePolicyInput {
  deployment: Deployment
  replicaSets: readonly ReplicaSet[]
  /** The pods of the new ReplicaSet. */
  newPods: readonly Pod[]
  /** The load balancer's figures since the new revision was first watched; undefined: none yet. */
  figures?: { candidate: RevisionCounters; stable?: RevisionCounters }
}

export type FailurePolicyAction =
  /** Roll back: this template and these annotations replace the Deployment's (one write). */
  | { type: 'rollback'; template: PodTemplateSpec; annotations: Record<string, string> }
  /** Pause the Deployment (spec.paused) and set these annotations in the same write. */
  | { type: 'pause'; annotations: Record<string, string> }
  /** Record the verdict on a ReplicaSet (once decided, never judged again). */
  | { type: 'markReplicaSet'; name: string; verdict: RevisionVerdict }
  | { type: 'setCondition'; condition: DeploymentCondition }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  | { type: 'requeue'; afterMs: number }

/** What the planner watches: the new revision and the one it would go back to. */
export interface Watched {
  policy: FailurePolicy
  newRS: ReplicaSet
  stable: ReplicaSet
}

/**
 * The revision under watch, or undefined when there is none: no policy, paused, no new
 * ReplicaSet yet, already decided, or nothing to go back to.
 */
export function watched(d: Deployment, replicaSets: readonly ReplicaSet[]): Watched | undefined {
  const policy = failurePolicyOf(d.metadata.annotations)
  if (!policy || d.spec.paused) return undefined
  // After an automatic rollback the restored revision is not judged again (that could chain
  // rollbacks further back); the next change to the Deployment ends the outcome.
  if (automaticOutcome(d)) return undefined
  const owned = replicaSets.filter((rs) => isControlledBy(rs, d))
  const newRS = findNewReplicaSet(d, owned)
  const verdict = newRS ? verdictOf(newRS) : undefined
  if (!newRS || (verdict !== undefined && verdict !== 'rolled-back')) return undefined
  const newRev = revision(newRS) ?? Number.POSITIVE_INFINITY
  let stable: ReplicaSet | undefined
  for (const rs of owned) {
    const v = verdictOf(rs)
    if (rs === newRS || v === 'failed' || v === 'rolled-back') continue
    const r = revision(rs)
    if (r === undefined || r >= newRev) continue
    if (!stable || r > (revision(stable) ?? 0)) stable = rs
  }
  return stable ? { policy, newRS, stable } : undefined
}

interface PodFailure {
  pod: string
  why: string
}

/** Why a new pod counts as failed, or undefined while it is healthy (or still starting). */
export function podFailure(pod: Pod, monitorMs: number, now: number): string | undefined {
  if (pod.metadata.deletionTimestamp) return undefined
  const s = pod.status
  if (s?.phase === 'Failed') return `failed${s.reason ? ` (${s.reason})` : ''}`
  let restarts = 0
  for (const cs of s?.containerStatuses ?? []) {
    if (cs.state.waiting?.reason === 'CrashLoopBackOff') return `container ${cs.name} is in CrashLoopBackOff`
    restarts += cs.restartCount
  }
  if (restarts > 0) return `restarted ${restarts} time${restarts === 1 ? '' : 's'}`
  if (isPodReady(pod)) return undefined
  // Not Ready: failing once its containers have run a whole monitor window (a startup probe
  // holds `started` false, so a slow starter with one is not counted while it starts).
  const statuses = s?.containerStatuses ?? []
  if (statuses.length === 0 || statuses.some((cs) => cs.started === false || !cs.state.running)) return undefined
  const since = Math.max(
    ...statuses.map((cs) => parseTimestamp(cs.state.running?.startedAt)),
    parseTimestamp(podReadyCondition(pod)?.lastTransitionTime),
  )
  if (since > 0 && now - since >= monitorMs) {
    return `not Ready for ${Math.round((now - since) / 1000)}s (failing its readiness probe)`
  }
  return undefined
}

/** When the last new pod became available, or undefined while any is not. */
function allAvailableSince(d: Deployment, pods: readonly Pod[]): number | undefined {
  const want = d.spec.replicas ?? 1
  const live = pods.filter((p) => !p.metadata.deletionTimestamp)
  if (live.length < want || live.some((p) => !isPodReady(p))) return undefined
  const minReadyMs = (d.spec.minReadySeconds ?? 0) * 1000
  return Math.max(0, ...live.map((p) => parseTimestamp(podReadyCondition(p)?.lastTransitionTime) + minReadyMs))
}

function failureReason(
  input: FailurePolicyInput,
  w: Watched,
  judgement: Judgement | undefined,
  now: number,
): string | undefined {
  const d = input.deployment
  const progressing = getDeploymentCondition(d.status, 'Progressing')
  if (progressing?.reason === REASON_PROGRESS_DEADLINE_EXCEEDED) {
    return `progress deadline exceeded (${progressing.message ?? 'no progress'})`
  }
  const failures: PodFailure[] = []
  for (const pod of input.newPods) {
    const why = podFailure(pod, w.policy.monitorMs, now)
    if (why) failures.push({ pod: pod.metadata.name, why })
  }
  const replicas = Math.max(1, d.spec.replicas ?? 1)
  if (failures.length > 0 && failures.length / replicas > w.policy.maxFailureRatio) {
    const list = failures.map((f) => `${f.pod} ${f.why}`).join('; ')
    return `${failures.length} of ${replicas} new pods failed, above the max failure ratio ${w.policy.maxFailureRatio}: ${list}`
  }
  if (judgement?.verdict === 'fail') return `its traffic failed: ${judgement.reason}`
  return undefined
}

function condition(reason: string, message: string, now: number): DeploymentCondition {
  return newDeploymentCondition(FAILURE_POLICY_CONDITION, 'True', reason, message, now)
}

export function planFailurePolicy(input: FailurePolicyInput, now: number): FailurePolicyAction[] {
  const d = input.deployment
  const w = watched(d, input.replicaSets)
  if (!w) return []
  const { policy, newRS, stable } = w
  const newRev = revision(newRS) ?? 0
  const stableRev = revision(stable) ?? 0
  const judgement = input.figures
    ? judgeRevision(input.figures.candidate, input.figures.stable, {
        minRequests: policy.minRequests,
        maxErrorRatio: policy.maxErrorRatio,
        ...(policy.maxP99Ratio !== undefined ? { maxP99Ratio: policy.maxP99Ratio } : {}),
      })
    : undefined
  const why = failureReason(input, w, judgement, now)
  const mark = (verdict: RevisionVerdict): FailurePolicyAction => ({
    type: 'markReplicaSet',
    name: newRS.metadata.name,
    verdict,
  })
  if (why) {
    const failed = `revision ${newRev} failed: ${why}`
    const nextGeneration = String((d.metadata.generation ?? 1) + 1)
    switch (policy.action) {
      case 'rollback': {
        const undo = planUndo(d, input.replicaSets, stableRev)
        if (undo.kind === 'skipped') return [mark('rolled-back')]
        // The policy stays on: the stable revision's annotations are from before it may have been set.
        const kept: Record<string, string> = {}
        for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (k.startsWith('baton.dev/')) kept[k] = v
        delete kept[PAUSED_GENERATION_ANNOTATION]
        const message = `${failed}; rolled back to revision ${stableRev}`
        return [
          // The condition first: whoever sees the outcome (rollout status) finds its reason there.
          { type: 'setCondition', condition: condition(REASON_ROLLED_BACK, message, now) },
          {
            type: 'rollback',
            template: undo.template,
            annotations: { ...undo.annotations, ...kept, [ROLLED_BACK_GENERATION_ANNOTATION]: nextGeneration },
          },
          mark('rolled-back'),
          { type: 'event', eventType: 'Warning', reason: REASON_ROLLED_BACK, message },
        ]
      }
      case 'pause': {
        const message = `${failed}; paused (resume with \`baton rollout resume\`, or go back with \`baton rollout undo\`)`
        return [
          { type: 'setCondition', condition: condition(REASON_PAUSED, message, now) },
          { type: 'pause', annotations: { [PAUSED_GENERATION_ANNOTATION]: nextGeneration } },
          mark('failed'),
          { type: 'event', eventType: 'Warning', reason: 'FailurePolicyPaused', message },
        ]
      }
      case 'continue': {
        const message = `${failed}; continuing (failure action continue)`
        return [
          mark('failed'),
          { type: 'setCondition', condition: condition(REASON_CONTINUED, message, now) },
          { type: 'event', eventType: 'Warning', reason: 'FailurePolicyContinued', message },
        ]
      }
    }
  }
  const since = allAvailableSince(d, input.newPods)
  const done = since !== undefined && now >= since + policy.monitorMs
  if (!done) return [{ type: 'requeue', afterMs: FIGURES_EVERY_MS }]
  if (judgement?.verdict === 'pass') {
    const message = `revision ${newRev} passed its monitor window: ${judgement.reason}`
    return [
      mark('passed'),
      {
        type: 'setCondition',
        condition: newDeploymentCondition(FAILURE_POLICY_CONDITION, 'False', REASON_VERIFIED, message, now),
      },
      { type: 'event', eventType: 'Normal', reason: REASON_VERIFIED, message },
    ]
  }
  const message = `revision ${newRev} is not verified: ${judgement?.reason ?? 'no figures from the load balancer'}`
  return [
    mark('inconclusive'),
    {
      type: 'setCondition',
      condition: newDeploymentCondition(FAILURE_POLICY_CONDITION, 'Unknown', REASON_INCONCLUSIVE, message, now),
    },
    { type: 'event', eventType: 'Warning', reason: REASON_INCONCLUSIVE, message },
  ]
}
