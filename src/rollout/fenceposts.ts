/**
 * @module
 * maxSurge / maxUnavailable resolved to pod counts ("fenceposts").
 *
 * Both are resolved against spec.replicas: surge rounds UP, unavailable rounds DOWN. If both
 * come out 0, unavailable becomes 1, so that a rollout can still progress when surge pods
 * cannot be created (Kubernetes' comment: quota). Worked table, same rows as the test:
 *
 * | replicas | maxSurge | maxUnavailable | surge | unavailable | why                         |
 * | -------- | -------- | -------------- | ----- | ----------- | --------------------------- |
 * | 0        | "0%"     | "0%"           | 0     | 1           | both zero → unavailable 1   |
 * | 10       | "39%"    | "39%"          | 4     | 3           | ceil 3.9 / floor 3.9        |
 * | 10       | "25%"    | "25%"          | 3     | 2           | ceil 2.5 / floor 2.5        |
 * | 4        | "25%"    | "25%"          | 1     | 1           | exact                       |
 * | 1        | "25%"    | "25%"          | 1     | 0           | ceil 0.25 / floor 0.25      |
 * | 1        | 0        | "25%"          | 0     | 1           | floor 0.25 = 0 → both zero  |
 * | 10       | 0        | "1%"           | 0     | 1           | passes validation, still 0  |
 * | 10       | unset    | unset          | 0     | 1           | unset counts as 0 here      |
 * | 10       | "oops"   | "39%"          | error |             | not a percentage            |
 *
 * The Deployment-level helpers then apply the strategy: Recreate has no surge and no
 * unavailability budget, and maxUnavailable is capped at replicas (an integer 10 on a
 * 5-replica Deployment means 5).
 */
import type { Deployment, IntOrString } from '../api/types.ts'
import { scaledValue } from './intstr.ts'
import { desiredReplicas, isRollingUpdate, rollingUpdateParams } from './spec-defaults.ts'

export interface Fenceposts {
  surge: number
  unavailable: number
}

/** Resolves both fenceposts against `desired` (an unset value counts as 0). */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): Fenceposts {
  const surge = scaledValue(maxSurge ?? 0, desired, true)
  const unavailable = scaledValue(maxUnavailable ?? 0, desired, false)
  if (surge === 0 && unavailable === 0) return { surge: 0, unavailable: 1 }
  return { surge, unavailable }
}

function fenceposts(d: Deployment): Fenceposts {
  const { maxSurge: s, maxUnavailable: u } = rollingUpdateParams(d)
  return resolveFenceposts(s, u, desiredReplicas(d))
}

/** Pods allowed above spec.replicas: the resolved surge for RollingUpdate, 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0
}

/** Pods allowed to be unavailable: 0 for Recreate or 0 replicas, else capped at replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d)
  if (!isRollingUpdate(d) || replicas === 0) return 0
  return Math.min(fenceposts(d).unavailable, replicas)
}

/** Pods that must stay available during a rolling update (0 for Recreate). */
export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? desiredReplicas(d) - maxUnavailable(d) : 0
}
