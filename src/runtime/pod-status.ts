/**
 * @module
 * A pod's status from its containers' statuses, as the kubelet computes it (pure): phase
 * (kubelet getPhase), the PodScheduled / Initialized / ContainersReady / Ready conditions
 * with lastTransitionTime kept while a condition holds, and Baton's port mappings.
 *
 * Phase, worked through for a one-container pod:
 *   waiting (ContainerCreating, ErrImagePull)                          → Pending
 *   running                                                            → Running
 *   waiting CrashLoopBackOff after an exit (it ran before)             → Running (Always / OnFailure)
 *   terminated exit 0, restartPolicy OnFailure or Never                → Succeeded
 *   terminated exit 1, restartPolicy Never                             → Failed
 */
import type { ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../api/types.ts'

import { POD_IP } from './container-env.ts'
import type { PortMapping } from './port-mapping.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export interface PodStatusInput {
  pod: Pod
  containers: readonly ContainerStatus[]
  portMappings: readonly PortMapping[]
  /** When the agent accepted the pod (epoch ms). */
  startTime: number
  /** The pod has a deletionTimestamp: it is no longer ready, whatever its probes say. */
  terminating: boolean
  now: number
}

export function buildPodStatus(input: PodStatusInput): PodStatus {
  const { pod, portMappings, terminating, now } = input
  const containers = input.containers.map((c) => (terminating && c.ready ? { ...c, ready: false } : c))
  const unready = containers.filter((c) => !c.ready).map((c) => c.name)
  const missing = pod.spec.containers.filter((s) => !containers.some((c) => c.name === s.name)).map((s) => s.name)
  const notReady = [...unready, ...missing]
  const previous = pod.status?.conditions ?? []
  const at = formatTimestamp(now)
  const condition = (
    type: PodCondition['type'],
    ok: boolean,
    why?: { reason: string; message: string },
  ): PodCondition => {
    const status = ok ? 'True' : 'False'
    const was = previous.find((c) => c.type === type)
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: was?.status === status && was.lastTransitionTime ? was.lastTransitionTime : at,
      ...(why && !ok ? why : {}),
    }
  }
  const why = { reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` }
  return {
    phase: podPhase(pod, containers),
    conditions: [
      condition('Initialized', true),
      condition('Ready', notReady.length === 0, why),
      condition('ContainersReady', notReady.length === 0, why),
      condition('PodScheduled', true),
    ],
    hostIP: POD_IP,
    podIP: POD_IP,
    startTime: formatTimestamp(input.startTime),
    containerStatuses: containers.map((c) => ({ ...c })),
    portMappings: portMappings.map((m) => ({ ...m })),
  }
}

/** The kubelet's getPhase, for pods without init containers. */
export function podPhase(pod: Pod, containers: readonly ContainerStatus[]): PodPhase {
  let running = 0
  let waiting = 0
  let stopped = 0
  let succeeded = 0
  let unknown = 0
  for (const spec of pod.spec.containers) {
    const c = containers.find((s) => s.name === spec.name)
    if (!c) unknown++
    else if (c.state.running) running++
    else if (c.state.terminated) {
      stopped++
      if (c.state.terminated.exitCode === 0) succeeded++
    } else if (c.lastState.terminated) stopped++
    else waiting++
  }
  if (waiting > 0 || unknown > 0) return 'Pending'
  if (running > 0) return 'Running'
  if (stopped === 0) return 'Pending'
  const policy = pod.spec.restartPolicy ?? 'Always'
  if (policy === 'Always') return 'Running' // every container is between restarts
  if (stopped === succeeded) return 'Succeeded'
  if (policy === 'Never') return 'Failed'
  return 'Running'
}
