/**
 * @module
 * The window planner (pure): which targets roll together, and what a failed window means for
 * the rest of the rollout under the fleet's failure policy.
 */
import { BatonError } from '../errors/baton-error.ts'
import type { FailurePolicy } from './types.ts'

/**
 * Targets per window: a count as given, a percentage of `targets` rounded down (as
 * Kubernetes rounds maxUnavailable) but at least 1, never more than there are targets.
 */
export function windowCount(windowSize: number | string, targets: number): number {
  if (targets === 0) return 0
  const n = typeof windowSize === 'number' ? windowSize : Math.floor((Number.parseInt(windowSize, 10) * targets) / 100)
  return Math.min(targets, Math.max(1, n))
}

/** The targets in the order given, cut into windows. */
export function planWindows(names: readonly string[], windowSize: number | string): string[][] {
  const size = windowCount(windowSize, names.length)
  const windows: string[][] = []
  for (let i = 0; i < names.length; i += size) windows.push(names.slice(i, i + size))
  return windows
}

/** The targets a rollout covers: all, or those carrying every one of `tags`. */
export function selectTargets<T extends { name: string; tags: readonly string[] }>(
  targets: readonly T[],
  tags: readonly string[],
): T[] {
  const chosen = targets.filter((t) => tags.every((tag) => t.tags.includes(tag)))
  if (chosen.length === 0)
    throw new BatonError('BATON_USAGE', `no target of the fleet carries the tags ${tags.join(', ')}`, {
      hint: 'Check spec.targets[].tags in the fleet file, or drop --tags',
    })
  return chosen
}

/** What to do after a window whose targets failed (the failed window itself is always rolled back). */
export type AfterFailure =
  /** Go on with the next window. */
  | { next: 'continue' }
  /** End the rollout; the windows already done keep the new revision. */
  | { next: 'stop'; reason: string }
  /** End the rollout and roll every window already done back too. */
  | { next: 'rollback-done'; reason: string }

export function afterFailure(policy: FailurePolicy, failedSoFar: number, windowsLeft: number): AfterFailure {
  switch (policy.action) {
    case 'stop':
      return { next: 'stop', reason: 'failurePolicy.action is stop' }
    case 'rollback':
      return { next: 'rollback-done', reason: 'failurePolicy.action is rollback' }
    case 'continue':
      if (failedSoFar > policy.maxFailedTargets)
        return {
          next: 'stop',
          reason: `${failedSoFar} targets failed, more than failurePolicy.maxFailedTargets (${policy.maxFailedTargets})`,
        }
      return windowsLeft > 0 ? { next: 'continue' } : { next: 'stop', reason: 'no window left' }
  }
}
