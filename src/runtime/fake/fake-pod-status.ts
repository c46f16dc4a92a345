/**
 * @module
 * The pod statuses a kubelet reports, as pure functions of (pod, previous status, now): the
 * fake node agent writes exactly these, so the shapes match what the real agent reports
 * (PodScheduled/Initialized/ContainersReady/Ready conditions, container states, port
 * mappings) and the transition times only move when a condition's status changes.
 */
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/types.ts'
import { formatTimestamp } from '../../api/timestamps.ts'

export type PortMapping = NonNullable<PodStatus['portMappings']>[number]

/** What the containers of a pod are doing, from the agent's point of view. */
export type FakeContainerPhase =
  | { kind: 'creating' }
  | { kind: 'pullFailed'; reason: 'ErrImagePull' | 'ImagePullBackOff'; message: string }
  | { kind: 'running'; startedAt: number; ready: boolean }

const CONDITION_TYPES: PodCondition['type'][] = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']

export function imageIdOf(image: string): string {
  let h = 0
  for (let i = 0; i < image.length; i++) h = (h * 31 + image.charCodeAt(i)) >>> 0
  return `sha256:fake${h.toString(16).padStart(8, '0')}`
}

function containerState(phase: FakeContainerPhase): ContainerState {
  switch (phase.kind) {
    case 'creating':
      return { waiting: { reason: 'ContainerCreating' } }
    case 'pullFailed':
      return { waiting: { reason: phase.reason, message: phase.message } }
    case 'running':
      return { running: { startedAt: formatTimestamp(phase.startedAt) } }
  }
}

/** Keeps lastTransitionTime when the status did not change (as the kubelet does). */
function condition(prev: PodStatus | undefined, type: PodCondition['type'], ok: boolean, now: number): PodCondition {
  const status = ok ? 'True' : 'False'
  const old = prev?.conditions?.find((c) => c.type === type)
  const lastTransitionTime =
    old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : formatTimestamp(now)
  const notReady = !ok && (type === 'Ready' || type === 'ContainersReady')
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime,
    ...(notReady ? { reason: 'ContainersNotReady' } : {}),
  }
}

/**
 * The status for `phase`. `terminating` forces Ready=False (the kubelet marks a pod not
 * ready as soon as it starts shutting it down, so endpoints drop it first).
 */
export function fakePodStatus(
  pod: Pod,
  phase: FakeContainerPhase,
  ports: PortMapping[],
  now: number,
  terminating = false,
): PodStatus {
  const prev = pod.status
  const running = phase.kind === 'running'
  const ready = running && phase.ready && !terminating
  const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => ({
    name: c.name,
    state: containerState(phase),
    lastState: {},
    ready,
    started: running,
    restartCount: prev?.containerStatuses?.find((s) => s.name === c.name)?.restartCount ?? 0,
    image: c.image ?? '',
    imageID: phase.kind === 'pullFailed' ? '' : imageIdOf(c.image ?? ''),
    ...(running ? { containerID: `fake://${pod.metadata.uid ?? pod.metadata.name}/${c.name}` } : {}),
  }))
  const ok: Record<PodCondition['type'], boolean> = {
    PodScheduled: true,
    Initialized: true,
    ContainersReady: ready,
    Ready: ready,
  }
  return {
    phase: running ? 'Running' : 'Pending',
    conditions: CONDITION_TYPES.map((t) => condition(prev, t, ok[t], now)),
    containerStatuses,
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    startTime: prev?.startTime ?? formatTimestamp(now),
    portMappings: ports,
  }
}

/** One loopback port per declared container port, numbered from `next()`. */
export function allocatePorts(pod: Pod, next: () => number): PortMapping[] {
  const ports: PortMapping[] = []
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      ports.push({
        containerName: c.name,
        ...(p.name ? { name: p.name } : {}),
        containerPort: p.containerPort,
        hostPort: next(),
      })
    }
  }
  return ports
}
