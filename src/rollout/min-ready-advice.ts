/**
 * @module
 * When to recommend minReadySeconds. A rolling update stops old pods against the count of
 * available new ones, and with minReadySeconds 0 a new pod is available the moment its
 * readiness probe first passes. A version that passes readiness and then fails (a crash loop)
 * is counted, old pods are stopped for it, and it goes: available pods fall below
 * replicas − maxUnavailable (8 of 10 with maxUnavailable 1), as in Kubernetes.
 * minReadySeconds makes each new pod stay ready that long before it counts, so a version that
 * fails within that time stops the rollout with the floor intact.
 *
 * @example
 * minReadySecondsAdvice(webWithMaxUnavailable1) // 'minReadySeconds is 0: a new pod counts as available … (e.g. 10) …'
 * minReadySecondsAdvice({ ...web, spec: { ...web.spec, minReadySeconds: 10 } }) // undefined
 */
import type { Deployment } from '../api/types.ts'
import { desiredReplicas, isRollingUpdate, minReadySeconds } from './spec-defaults.ts'

/** A few probe periods of the example app, and still short next to a rollout of ten pods. */
export const SUGGESTED_MIN_READY_SECONDS = 10

/** The recommendation for a rolling update of `d`, or undefined when minReadySeconds is set (or nothing rolls). */
export function minReadySecondsAdvice(d: Deployment): string | undefined {
  if (!isRollingUpdate(d) || minReadySeconds(d) > 0 || desiredReplicas(d) === 0) return undefined
  return (
    'minReadySeconds is 0: a new pod counts as available as soon as it is ready, so a version that passes readiness and then fails (a crash loop) ' +
    `takes available pods lower. Set spec.minReadySeconds (e.g. ${SUGGESTED_MIN_READY_SECONDS}) to count a new pod only once it has stayed ready that long.`
  )
}
