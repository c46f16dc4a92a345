/**
 * @module
 * A container's resources as the kubelet sets them on a Linux container (kuberuntime's
 * generateLinuxContainerResources and qos/policy.go), for the engine's HostConfig. Pure.
 *
 * | Kubernetes | Engine |
 * | --- | --- |
 * | limits.memory | Memory (the kernel's OOM killer: State.OOMKilled) |
 * | limits.cpu | CpuQuota = millicores × CpuPeriod / 1000 (at least 1000 µs), CpuPeriod 100 000 µs |
 * | requests.cpu (else limits.cpu) | CpuShares = millicores × 1024 / 1000, between 2 and 262 144 |
 * | requests.memory and the pod's QoS class | OomScoreAdj: Guaranteed −997 (or the lowest score the node allows, oom-score.ts), BestEffort 1000, Burstable 1000 − 1000 × request / node memory, kept within 3…999 |
 *
 * CpuShares is left to the engine's default when the container names no CPU at all (the
 * kubelet would set the minimum, 2, putting such a container behind every other process of the
 * machine, not only behind other pods).
 */
import { memoryBytes, milliCPU } from '../../api/quantity.ts'
import type { Container, Pod } from '../../api/types.ts'

export const CPU_PERIOD_US = 100_000
const MIN_QUOTA_US = 1000
const MIN_SHARES = 2
const MAX_SHARES = 262_144
const GUARANTEED_OOM_SCORE_ADJ = -997
const BEST_EFFORT_OOM_SCORE_ADJ = 1000

export interface EngineResources {
  Memory?: number
  CpuQuota?: number
  CpuPeriod?: number
  CpuShares?: number
  OomScoreAdj: number
}

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort'

type Res = Container['resources']
const quantity = (r: Res, kind: 'limits' | 'requests', name: 'cpu' | 'memory') => r?.[kind]?.[name]

/** The pod's QoS class, as Kubernetes derives it from its containers' cpu and memory (a missing request defaults to the limit). */
export function qosClass(pod: Pod): QOSClass {
  const containers = pod.spec.containers
  let any = false
  let guaranteed = true
  for (const c of containers) {
    for (const name of ['cpu', 'memory'] as const) {
      const limit = quantity(c.resources, 'limits', name)
      const request = quantity(c.resources, 'requests', name) ?? limit
      if (limit !== undefined || request !== undefined) any = true
      const same = name === 'cpu' ? milliCPU(limit) === milliCPU(request) : memoryBytes(limit) === memoryBytes(request)
      if (limit === undefined || !same) guaranteed = false
    }
  }
  if (!any) return 'BestEffort'
  return guaranteed ? 'Guaranteed' : 'Burstable'
}

/** What the node lets the engine set (oom-score.ts): its memory in bytes, the lowest oom_score_adj. */
export interface NodeResources {
  memoryCapacity: number
  oomScoreAdjFloor: number
}

/** The kubelet's oom_score_adj for a container of `pod`, never below what the node allows. */
export function oomScoreAdj(pod: Pod, container: Container, node: NodeResources): number {
  const qos = qosClass(pod)
  if (qos === 'Guaranteed') return Math.max(GUARANTEED_OOM_SCORE_ADJ, node.oomScoreAdjFloor)
  if (qos === 'BestEffort') return BEST_EFFORT_OOM_SCORE_ADJ
  const r = container.resources
  const request = memoryBytes(quantity(r, 'requests', 'memory') ?? quantity(r, 'limits', 'memory')) ?? 0
  const adj = 1000 - Math.trunc((1000 * request) / node.memoryCapacity)
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ
  if (adj === BEST_EFFORT_OOM_SCORE_ADJ) return adj - 1
  return adj
}

export function engineResources(pod: Pod, container: Container, node: NodeResources): EngineResources {
  const r = container.resources
  const memory = memoryBytes(quantity(r, 'limits', 'memory'))
  const cpuLimit = milliCPU(quantity(r, 'limits', 'cpu'))
  const cpuRequest = milliCPU(quantity(r, 'requests', 'cpu')) ?? cpuLimit
  const shares =
    cpuRequest === undefined
      ? undefined
      : Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.trunc((cpuRequest * 1024) / 1000)))
  return {
    ...(memory !== undefined ? { Memory: memory } : {}),
    ...(cpuLimit !== undefined && cpuLimit > 0
      ? { CpuQuota: Math.max(MIN_QUOTA_US, Math.trunc((cpuLimit * CPU_PERIOD_US) / 1000)), CpuPeriod: CPU_PERIOD_US }
      : {}),
    ...(shares !== undefined ? { CpuShares: shares } : {}),
    OomScoreAdj: oomScoreAdj(pod, container, node),
  }
}
