/**
 * @module
 * Pod readiness and availability, and the ReplicaSet status counted from pods
 * (pkg/api/v1/pod/util.go, replica_set_utils.go calculateStatus).
 *
 * Available = Ready, and either minReadySeconds is 0 or the Ready condition turned True
 * strictly more than minReadySeconds ago. Example: minReadySeconds 10, Ready since 12:00:00 →
 * not available at 12:00:10, available at 12:00:10.001.
 */
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../api/types.ts'
import { parseTimestamp } from '../api/timestamps.ts'

function readyCondition(pod: Pod) {
  const conditions = pod.status?.conditions
  if (conditions) for (const c of conditions) if (c.type === 'Ready') return c
  return undefined
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True'
}

/** When the pod becomes available (epoch ms, first instant), or undefined if it is not Ready. */
function availableFrom(pod: Pod, minReadySeconds: number): number | undefined {
  const ready = readyCondition(pod)
  if (ready?.status !== 'True') return undefined
  if (minReadySeconds === 0) return Number.NEGATIVE_INFINITY
  // A Ready condition without a transition time never counts as available (Go's zero time).
  if (!ready.lastTransitionTime) return undefined
  return parseTimestamp(ready.lastTransitionTime) + minReadySeconds * 1000 + 1
}

export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const from = availableFrom(pod, minReadySeconds)
  return from !== undefined && from <= now
}

/** Not being deleted and not finished: the pods an RS counts. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed'
}

function hasAllLabels(pod: Pod, labels: readonly (readonly [string, string])[]): boolean {
  for (const [k, v] of labels) if (pod.metadata.labels?.[k] !== v) return false
  return true
}

/**
 * The RS status counted over `pods` (the RS's own pods, as its controller owns them). Only
 * active pods count, so a terminating pod is already gone from `replicas`. Conditions are
 * carried over from the stored status.
 *
 * One pass, no arrays: the RS controller counts every pod of a set on each of its syncs
 * (100 pods a set, ~50 000 syncs in a 100 × 100 rollout).
 */
export function replicaSetStatusFromPods(rs: ReplicaSet, pods: readonly Pod[], now: number): ReplicaSetStatus {
  const minReady = rs.spec.minReadySeconds ?? 0
  const labels = Object.entries(rs.spec.template.metadata?.labels ?? {})
  let replicas = 0
  let fullyLabeled = 0
  let ready = 0
  let available = 0
  for (const pod of pods) {
    if (!isPodActive(pod)) continue
    replicas++
    if (hasAllLabels(pod, labels)) fullyLabeled++
    if (!isPodReady(pod)) continue
    ready++
    if (isPodAvailable(pod, minReady, now)) available++
  }
  const status: ReplicaSetStatus = {
    replicas,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
  }
  if (rs.status?.conditions !== undefined) status.conditions = rs.status.conditions
  return status
}

/**
 * Milliseconds from `now` until the next Ready-but-not-yet-available pod crosses
 * minReadySeconds, so the RS controller can requeue itself; undefined when none is waiting.
 */
export function nextAvailabilityCheck(rs: ReplicaSet, pods: readonly Pod[], now: number): number | undefined {
  const minReady = rs.spec.minReadySeconds ?? 0
  let next: number | undefined
  for (const pod of pods) {
    if (!isPodActive(pod)) continue
    const from = availableFrom(pod, minReady)
    if (from === undefined || from <= now) continue
    if (next === undefined || from < next) next = from
  }
  return next === undefined ? undefined : next - now
}
