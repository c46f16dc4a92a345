/**
 * @module
 * Events the node agent records about pods, as the kubelet does (source component
 * "kubelet", host = node name). A failure to record never disturbs the pod's supervision.
 */
import type { Pod } from '../api/types.ts'
import { recordEvent } from '../events/record-event.ts'
import type { Clock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { ObjectStore } from '../store/types.ts'

export type PodEventRecorder = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void

export function podEventRecorder(store: ObjectStore, clock: Clock, nodeName: string, logger: Logger): PodEventRecorder {
  return (pod, type, reason, message) => {
    try {
      recordEvent(store, clock, pod, type, reason, message, { component: 'kubelet', host: nodeName })
    } catch (err) {
      logger.error('event not recorded', { pod: pod.metadata.name, reason, err })
    }
  }
}
