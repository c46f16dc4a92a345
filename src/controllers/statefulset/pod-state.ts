/**
 * @module
 * The pod predicates the StatefulSet controller decides by (stateful_set_utils.go): a pod is
 * created once the store holds it, healthy when Running and Ready, available when it has also
 * been Ready for minReadySeconds, unavailable when not available or terminating. Pure.
 */
import { isPodReady } from '../../api/pod-readiness.ts'
import type { Pod } from '../../api/types.ts'
import { isPodAvailable } from '../../rollout/availability.ts'

export const isFailed = (pod: Pod): boolean => pod.status?.phase === 'Failed'
export const isSucceeded = (pod: Pod): boolean => pod.status?.phase === 'Succeeded'
export const isTerminating = (pod: Pod): boolean => pod.metadata.deletionTimestamp !== undefined

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod)
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isRunningAndReady(pod) && isPodAvailable(pod, minReadySeconds, now)
}

export function isUnavailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod)
}
