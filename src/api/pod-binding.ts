/**
 * @module
 * The scheduler of a cluster of one node. Kubernetes stores a bare Pod without spec.nodeName
 * and kube-scheduler then binds it to a node; Baton has no scheduler process, so a Pod created
 * without a node is bound to the one node as it is admitted, which is the only binding that
 * scheduler could make (admission already refuses another schedulerName, node or required
 * affinity). Without this a bare Pod from `apply` would stay Pending with no reason given.
 */
import { DEFAULT_NODE_NAME } from './node-name.ts'
import type { AnyObject } from './types.ts'

/** `obj`, with a Pod that names no node bound to `nodeName`. */
export function bindToNode<T extends AnyObject>(obj: T, nodeName = DEFAULT_NODE_NAME): T {
  if (obj.kind !== 'Pod' || obj.spec.nodeName) return obj
  return { ...obj, spec: { ...obj.spec, nodeName } }
}
