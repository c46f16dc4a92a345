/**
 * @module
 * The text `baton rollout plan` prints for one previewed rollout (pure: preview → text, golden
 * tested). One row per step of the controller, then the extremes and the time estimate with
 * the probe numbers it came from, so a surprising figure can be traced to its setting.
 */
import type { Deployment } from '../../api/types.ts'
import { maxSurge, maxUnavailable } from '../../rollout/fenceposts.ts'
import { minReadySecondsAdvice } from '../../rollout/min-ready-advice.ts'
import { uncheckedReadinessNote } from '../../rollout/readiness-advice.ts'
import type { TimingBasis } from '../../rollout/preview-timing.ts'
import type { RolloutPreview } from '../../sim/preview.ts'
import { desiredReplicas, isRollingUpdate } from '../../rollout/spec-defaults.ts'
import { humanDuration } from '../../api/age.ts'
import { TABLE_TABS, tabulate } from '../printers/tabwriter.ts'

/** "0s", "1.5s", "18s", "2m30s": tenths of a second only while they matter. */
export function formatEstimate(ms: number): string {
  if (ms < 10_000 && ms % 1000 >= 100) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`
  return humanDuration(ms)
}

function strategyLine(d: Deployment): string {
  const name = `deployment/${d.metadata.name}`
  const replicas = desiredReplicas(d)
  if (!isRollingUpdate(d))
    return `${name}: Recreate, ${replicas} replicas (every old pod stops before the first new one starts)`
  return `${name}: RollingUpdate, ${replicas} replicas, maxSurge ${maxSurge(d)}, maxUnavailable ${maxUnavailable(d)} (at most ${replicas + maxSurge(d)} pods, at least ${replicas - maxUnavailable(d)} available)`
}

function timingLines(t: TimingBasis): string[] {
  const ready = t.probed
    ? `readiness ~${formatEstimate(t.readyMs)} per pod (initialDelaySeconds ${t.initialDelaySeconds} + periodSeconds ${t.periodSeconds} × successThreshold ${t.successThreshold})`
    : 'no readiness probe: a pod counts as ready once started'
  return [
    `  ${ready}, minReadySeconds ${t.minReadySeconds};`,
    `  an old pod exits ~${formatEstimate(t.terminateMs)} after deletion (terminationGracePeriodSeconds ${t.terminationGracePeriodSeconds} at most)`,
  ]
}

export function renderRolloutPlan(d: Deployment, p: RolloutPreview, timing: TimingBasis): string {
  const lines = [strategyLine(d)]
  if (p.newReplicaSet) lines.push(`new ReplicaSet: ${p.newReplicaSet}`)
  lines.push('')
  let table = 'STEP\tAT\tNEW\tOLD\tAVAILABLE (MIN)\tPODS (MAX)\tEXITING (MAX)\n'
  p.steps.forEach((s, i) => {
    table += `${i + 1}\t${formatEstimate(s.at)}\t${s.newReplicas}\t${s.oldReplicas}\t${s.minAvailable}\t${s.maxPods}\t${s.maxTerminating}\n`
  })
  lines.push(tabulate(table, TABLE_TABS).trimEnd(), '')
  const replicas = desiredReplicas(d)
  // The floor holds for pods that stay ready: one that fails after being counted is not in it.
  const replacing = p.steps.some((s) => s.oldReplicas > 0)
  const floor = `Available pods never fall below ${p.minAvailable} of ${replicas}${replacing ? ' while the new pods stay ready' : ''}`
  lines.push(`${floor}; at most ${p.maxPods} pods run at once (plus ${p.maxTerminating} still exiting).`)
  const advice = replacing && !d.spec.paused ? minReadySecondsAdvice(d) : undefined
  if (advice) lines.push(advice)
  const unchecked = d.spec.paused ? undefined : uncheckedReadinessNote(d)
  if (unchecked) lines.push(unchecked)
  if (d.spec.paused) {
    lines.push(
      `The deployment is paused: the new template waits for \`baton rollout resume deployment/${d.metadata.name}\` (only a size change applies now).`,
    )
  } else if (p.completeMs === undefined) {
    lines.push(
      'The rollout never completes in this simulation: new pods never become available (check the readiness probe).',
    )
  } else {
    const settled =
      p.settledMs !== undefined && p.settledMs > p.completeMs
        ? `, ~${formatEstimate(p.settledMs)} until the last old pod has exited`
        : ''
    lines.push(`Estimated duration: ~${formatEstimate(p.completeMs)} until rolled out${settled}, from`)
    lines.push(...timingLines(timing))
  }
  return `${lines.join('\n')}\n`
}
