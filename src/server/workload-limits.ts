/**
 * @module
 * Admission bounds on how many pods a write can ask for (api/limits.ts):
 *
 * - `spec.replicas` of a Deployment, ReplicaSet or StatefulSet may not exceed `--max-replicas`.
 * - The node may not be asked to run more than `--max-pods` pods, the kubelet's bound. Baton
 *   has one node, so where Kubernetes' scheduler would leave the extra pods Pending (and the
 *   kubelet would reject any that reached it as OutOfpods), Baton refuses the write that
 *   asks for them. The node's demand is counted as the scheduler sees it once every
 *   controller has caught up: each top-level workload (a Deployment, a ReplicaSet without a
 *   controller, a StatefulSet) needs max(spec.replicas, its active pods now), each other
 *   active pod (a bare pod, an orphan) needs one. A rolling update's surge pods are not
 *   demand: they are temporary and the workload's own replicas bound them.
 *
 * Only a raise is judged: a write that keeps or lowers spec.replicas always passes, so a
 * workload stored before a limit was lowered can still be edited and scaled down.
 */
import type { AnyObject, Deployment, Pod, ReplicaSet, StatefulSet } from '../api/types.ts'
import type { Limits } from '../api/limits.ts'
import { BatonError } from '../errors/baton-error.ts'
import { isPodActive } from '../rollout/availability.ts'
import { controllerOf } from '../api/owner-refs.ts'
import type { ObjectStore } from '../store/types.ts'

type Workload = Deployment | ReplicaSet | StatefulSet
const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet'])

export const isWorkload = (obj: AnyObject): obj is Workload => WORKLOAD_KINDS.has(obj.kind)

const replicasOf = (w: Workload): number => w.spec.replicas ?? 1

/** The objects on the node, as admission counts them. */
export interface NodeObjects {
  workloads: readonly Workload[]
  pods: readonly Pod[]
}

/**
 * How many pods the node is asked to run by everything but the workload with uid `exclude`:
 * each top-level workload's max(desired, active pods), plus every other active pod.
 */
export function otherPodDemand(node: NodeObjects, exclude: string | undefined): number {
  const byUid = new Map(node.workloads.filter((w) => w.metadata.uid).map((w) => [w.metadata.uid as string, w]))
  // A pod's top-level owner: its controller, or the controller's controller (Deployment → ReplicaSet → Pod).
  const topOf = (uid: string | undefined): string | undefined => {
    const owner = uid === undefined ? undefined : byUid.get(uid)
    const up = owner ? controllerOf(owner)?.uid : undefined
    return up && byUid.has(up) ? up : uid
  }
  const active = new Map<string, number>()
  let unowned = 0
  for (const pod of node.pods) {
    if (!isPodActive(pod)) continue
    const top = topOf(controllerOf(pod)?.uid)
    if (top === exclude && exclude !== undefined) continue
    if (top === undefined || !byUid.has(top)) unowned++
    else active.set(top, (active.get(top) ?? 0) + 1)
  }
  let demand = unowned
  for (const w of node.workloads) {
    const uid = w.metadata.uid
    if (uid === undefined || uid === exclude) continue
    // A ReplicaSet run by a Deployment is counted through its Deployment.
    const up = controllerOf(w)?.uid
    if (up !== undefined && byUid.has(up)) continue
    demand += Math.max(replicasOf(w), active.get(uid) ?? 0)
  }
  return demand
}

function limitError(w: Workload, value: number, message: string, hint: string): BatonError {
  return new BatonError(
    'BATON_LIMIT',
    `The ${w.kind} ${JSON.stringify(w.metadata.name)} is invalid: spec.replicas: Invalid value: ${value}: ${message}`,
    {
      hint,
      causes: [{ field: 'spec.replicas', message: `Invalid value: ${value}: ${message}` }],
    },
  )
}

/**
 * Throws BATON_LIMIT when writing `next` over `current` (undefined for a create) raises
 * spec.replicas past --max-replicas, or the node's pods past --max-pods.
 */
export function checkWorkloadLimits(
  next: AnyObject,
  current: AnyObject | undefined,
  node: () => NodeObjects,
  limits: Pick<Limits, 'maxReplicas' | 'maxPods'>,
): void {
  if (!isWorkload(next)) return
  const replicas = replicasOf(next)
  const before = current && isWorkload(current) ? replicasOf(current) : 0
  if (replicas <= before) return
  if (replicas > limits.maxReplicas) {
    throw limitError(
      next,
      replicas,
      `must be less than or equal to ${limits.maxReplicas} (the daemon's --max-replicas)`,
      `Ask for at most ${limits.maxReplicas} replicas, or start the daemon with \`baton up --max-replicas=N\``,
    )
  }
  const others = otherPodDemand(node(), current?.metadata.uid)
  if (others + replicas > limits.maxPods) {
    const room = Math.max(0, limits.maxPods - others)
    throw limitError(
      next,
      replicas,
      `the node would be asked to run ${others + replicas} pods (${others} for other workloads), more than its limit of ${limits.maxPods} (the daemon's --max-pods)`,
      `Ask for at most ${room} replicas, scale other workloads down, or start the daemon with \`baton up --max-pods=N\``,
    )
  }
}

/** The node's workloads and pods, read from the store (every namespace: one node runs them all). */
export function nodeObjects(store: ObjectStore): NodeObjects {
  return {
    workloads: [
      ...(store.list('Deployment').items as Deployment[]),
      ...(store.list('ReplicaSet').items as ReplicaSet[]),
      ...(store.list('StatefulSet').items as StatefulSet[]),
    ],
    pods: store.list('Pod').items as Pod[],
  }
}
