/**
 * @module
 * Keeps a running container's configMap and secret volumes up to date, as the kubelet's
 * periodic pod sync does: every PROJECTED_SYNC_MS the volumes are projected again from the
 * pod's config source (each runtime's refresh: process/pod-volumes.ts, docker/volumes.ts) and
 * switched atomically (atomic-volume-writer.ts) when the data changed. The kubelet takes up to
 * its sync period plus its cache's TTL (about a minute); a few seconds here, because a read of
 * the store is a read of memory. Shared by both runtimes.
 *
 * A Deployment with config rollouts (docs/config-revisions.md) reads its pods' config from the
 * revision's immutable snapshot, so its volumes never change here: a change of the ConfigMap
 * rolls new pods instead.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'

/** What one sync did to one volume: switched to new files, or kept its files for `error`. */
export type RefreshOutcome = { volume: string; updated: true } | { volume: string; error: string }

/** Why 2 s: an edit reaches the app within a few seconds, and a sync with nothing changed costs a few small reads. */
export const PROJECTED_SYNC_MS = 2_000

/** Calls `refresh` every PROJECTED_SYNC_MS until cancelled, logging what changed and each new error once. */
export function refreshProjectedEvery(
  clock: Clock,
  logger: Logger,
  context: Record<string, string>,
  refresh: () => RefreshOutcome[],
): { cancel(): void } {
  let timer: TimerHandle | undefined
  let cancelled = false
  const lastError = new Map<string, string>()
  const tick = () => {
    if (cancelled) return
    try {
      for (const o of refresh()) {
        if ('updated' in o) {
          lastError.delete(o.volume)
          logger.info('volume updated', { ...context, volume: o.volume })
        } else if (lastError.get(o.volume) !== o.error) {
          lastError.set(o.volume, o.error)
          logger.info('volume not updated, keeping its files', { ...context, volume: o.volume, reason: o.error })
        }
      }
    } catch (err) {
      logger.error('volume refresh failed', { ...context, err })
    }
    timer = clock.setTimeout(tick, PROJECTED_SYNC_MS)
  }
  timer = clock.setTimeout(tick, PROJECTED_SYNC_MS)
  return {
    cancel() {
      cancelled = true
      timer?.cancel()
    },
  }
}
