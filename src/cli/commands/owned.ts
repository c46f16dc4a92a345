/**
 * @module
 * Reading what a workload owns through the API: its ReplicaSets, and a ReplicaSet's pods
 * (listed by selector, kept when the controller reference names the owner).
 */
import { selectorToString } from '../../api/labels.ts'
import type { Deployment, Pod, ReplicaSet, StatefulSet } from '../../api/types.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import type { ApiClient } from '../client.ts'

export async function ownedReplicaSets(client: ApiClient, d: Deployment): Promise<ReplicaSet[]> {
  const list = await client.list('ReplicaSet', {
    namespace: d.metadata.namespace ?? 'default',
    labelSelector: selectorToString(d.spec.selector),
  })
  return list.items.filter((rs) => isControlledBy(rs, d))
}

export async function ownedPods(client: ApiClient, owner: ReplicaSet | StatefulSet): Promise<Pod[]> {
  const list = await client.list('Pod', {
    namespace: owner.metadata.namespace ?? 'default',
    labelSelector: selectorToString(owner.spec.selector),
  })
  return list.items.filter((p) => isControlledBy(p, owner))
}

/** The pods of a Deployment's ReplicaSets, in one list by the Deployment's selector. */
export async function podsOfReplicaSets(
  client: ApiClient,
  d: Deployment,
  replicaSets: readonly ReplicaSet[],
): Promise<Pod[]> {
  if (replicaSets.length === 0) return []
  const list = await client.list('Pod', {
    namespace: d.metadata.namespace ?? 'default',
    labelSelector: selectorToString(d.spec.selector),
  })
  return list.items.filter((p) => replicaSets.some((rs) => isControlledBy(p, rs)))
}
