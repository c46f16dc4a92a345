/**
 * @module
 * The warm window's two decisions (docs/instant-rollback.md), pure:
 * - which ReplicaSet keeps the pods it gives up warm: a previous revision of a Deployment that
 *   has `baton.dev/scale-down-delay-seconds`, never its current one (scaling the Deployment
 *   down deletes pods as in Kubernetes);
 * - how far a Deployment's new ReplicaSet grows at once when it has warm pods: by all of them.
 *   maxSurge bounds the pods a rollout starts; warm pods are already running, so bringing them
 *   back starts nothing, and the whole old revision takes the traffic back in one step.
 */
import type { Deployment, ReplicaSet } from '../api/types.ts'
import { scaleDownDelaySeconds } from '../api/warm-window.ts'
import { equalIgnoreHash } from './template-hash.ts'

/**
 * Seconds `rs` keeps a given-up pod warm, given the Deployment that controls it (undefined:
 * none, e.g. a Rollout's or a bare ReplicaSet): 0 unless the window is on and `rs` is not the
 * Deployment's current template.
 */
export function warmDelayFor(rs: ReplicaSet, owner: Deployment | undefined): number {
  if (!owner || owner.metadata.deletionTimestamp !== undefined) return 0
  const delay = scaleDownDelaySeconds(owner)
  if (delay === 0) return 0
  return equalIgnoreHash(rs.spec.template, owner.spec.template) ? 0 : delay
}

/**
 * The size the new ReplicaSet may take in one step thanks to its `warmReady` warm, ready pods:
 * its current size plus all of them, up to `desired`; `current` when there is nothing to gain
 * (the rolling update's own step then applies).
 */
export function warmReturnSize(desired: number, current: number, warmReady: number): number {
  return current >= desired ? current : Math.min(desired, current + warmReady)
}
