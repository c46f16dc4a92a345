/**
 * @module
 * The canary's step arithmetic, as Argo Rollouts computes it (utils/replicaset/canary.go):
 * the weight in force at a step index, the replica count a weight needs, and the hash of the
 * steps (a change of steps restarts them).
 */
import type { RolloutCanaryStep } from '../../api/types.ts'
import { canonicalJson, fnv32a, safeEncodeString } from '../../rollout/template-hash.ts'

/**
 * GetCurrentSetWeight: the last setWeight at or before `index`; 100 once every step has run
 * (index past the end), 0 before the first setWeight.
 */
export function setWeightAt(steps: readonly RolloutCanaryStep[], index: number): number {
  if (index >= steps.length) return 100
  for (let i = index; i >= 0; i--) {
    const w = steps[i]?.setWeight
    if (w !== undefined) return w
  }
  return 0
}

/** trafficWeightToReplicas: the pods a share of the traffic needs, rounded up. */
export function replicasForWeight(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / 100)
}

export function stepsHash(steps: readonly RolloutCanaryStep[]): string {
  return safeEncodeString(String(fnv32a(new TextEncoder().encode(canonicalJson(steps)))))
}
