/**
 * @module
 * The node-agent port: Baton's kubelet. An agent watches the Pods bound to its node
 * (spec.nodeName) in the store and makes reality match: it starts each pod's containers,
 * reports status (phase, conditions, container states, port mappings) through
 * store.updateStatus, and, when a pod gets a deletionTimestamp, terminates it in Kubernetes'
 * order and then removes the object (store.delete with gracePeriodSeconds 0).
 *
 * Implementations: runtime/process (real child processes, the embedded default),
 * runtime/docker (containers), runtime/fake (pods that become ready after a configurable
 * delay of an injected clock; used by controller simulations). All pass
 * runtime/runtime.case.test.ts.
 */
import type { Pod } from '../api/types.ts'

/**
 * Called before a terminating pod's preStop hook and SIGTERM: resolves once no traffic is
 * in flight to the pod (the load balancer has taken it out of rotation and drained it), or
 * when `deadlineMs` (epoch ms) passes. The default gate resolves at once.
 */
export interface DrainGate {
  waitDrained(pod: Pod, deadlineMs: number): Promise<void>
}

export const noDrain: DrainGate = { waitDrained: () => Promise.resolve() }

export interface NodeAgent {
  readonly nodeName: string
  /** Starts watching pods; re-adopts running replicas of pods that still exist. */
  start(): Promise<void>
  /** Stops watching. With `stopPods`, terminates every pod's processes as well. */
  stop(opts?: { stopPods?: boolean }): Promise<void>
}
