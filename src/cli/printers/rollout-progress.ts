/**
 * @module
 * The live view `rollout status` shows on a terminal, modelled on `docker service update`:
 *
 *   overall progress: 2 out of 3 tasks
 *   1/3: running   [==================================================>]
 *   2/3: running   [==================================================>]
 *   3/3: starting  [=====================================>             ]
 *
 * One line per desired replica of the new ReplicaSet: its pods in creation order, each bar as
 * far along as the pod is (scheduled, started, ready, available). Pure: objects in, lines out.
 */
import { podReadyCondition } from '../../api/pod-readiness.ts'
import type { Deployment, Pod } from '../../api/types.ts'

const BAR_WIDTH = 50

interface Stage {
  label: string
  /** Share of the bar, 0..1. */
  progress: number
}

function podStage(pod: Pod | undefined, minReadySeconds: number, now: number): Stage | undefined {
  if (!pod) return undefined
  if (pod.metadata.deletionTimestamp) return { label: 'stopping', progress: 0 }
  const status = pod.status ?? {}
  const ready = podReadyCondition(pod)
  if (ready?.status === 'True') {
    const since = Date.parse(ready.lastTransitionTime ?? '')
    const available = minReadySeconds === 0 || (!Number.isNaN(since) && now - since > minReadySeconds * 1000)
    return available ? { label: 'running', progress: 1 } : { label: 'ready', progress: 0.9 }
  }
  const running = status.containerStatuses?.some((c) => c.state?.running)
  if (running) return { label: 'starting', progress: 0.75 }
  if (status.phase === 'Failed') return { label: 'failed', progress: 0 }
  return { label: 'preparing', progress: 0.4 }
}

function bar(progress: number): string {
  const filled = Math.round(progress * BAR_WIDTH)
  if (filled <= 0) return `[>${' '.repeat(BAR_WIDTH)}]`
  return `[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}]`
}

/**
 * @param newPods the pods of the Deployment's new ReplicaSet
 * @param now epoch ms, to tell ready from available under minReadySeconds
 */
export function renderRolloutProgress(d: Deployment, newPods: readonly Pod[], now: number): string[] {
  const desired = d.spec.replicas ?? 1
  const pods = [...newPods].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  )
  const stages = Array.from({ length: desired }, (_, i) => podStage(pods[i], d.spec.minReadySeconds ?? 0, now))
  const done = stages.filter((s) => s?.progress === 1).length
  const lines = [`overall progress: ${done} out of ${desired} tasks`]
  stages.forEach((stage, i) => {
    const slot = `${i + 1}/${desired}:`
    lines.push(stage ? `${slot} ${stage.label.padEnd(9)} ${bar(stage.progress)}` : `${slot} `)
  })
  return lines
}
