/**
 * @module
 * The node agent's DrainGate backed by the load balancer: before a terminating pod gets its
 * preStop hook and SIGTERM, wait until the proxy has it out of every route and nothing in
 * flight to it (bounded by the grace-period deadline). A proxy that cannot be asked must not
 * keep a pod from stopping: the gate then opens (and says so in the log).
 */
import type { Pod } from '../api/types.ts'
import { silentLogger, type Logger } from '../platform/logger.ts'
import type { DrainGate } from '../runtime/types.ts'
import type { LoadBalancerControl } from '../proxy/types.ts'

export function proxyDrainGate(control: LoadBalancerControl, logger: Logger = silentLogger): DrainGate {
  return {
    async waitDrained(pod: Pod, deadlineMs: number): Promise<void> {
      const uid = pod.metadata.uid
      if (!uid) return
      try {
        await control.waitDrained(uid, deadlineMs)
      } catch (err) {
        logger.error('drain wait failed; stopping the pod anyway', { pod: pod.metadata.name, err })
      }
    },
  }
}
