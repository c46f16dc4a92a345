/**
 * @module
 * What a proxy worker does once its main process is gone (SIGKILL, crash, or the daemon
 * ended a stuck one). Its listeners are its own (SO_REUSEPORT), so it keeps serving the last
 * table it got until a replacement proxy names itself in DIR/proxy.json, which a proxy writes
 * only once its workers listen on the table. Then it stops accepting (the kernel sends every
 * new connection to the replacement), each open connection ends after its next answer
 * (`Connection: close`), connections that stay idle are closed, and the worker exits.
 *
 * It does not wait forever: with no replacement after `maxWaitMs` (no daemon is running to
 * start one) it hands over to nobody, as a worker that no control plane can reach must not hold
 * ports or serve a stale table for long; and whatever is still open `drainMaxMs` after the
 * hand-over is dropped, so that the worker always ends.
 */
import { afterIo, type Clock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import { isRunning } from '../platform/proc-stat.ts'
import { readProxyFiles } from './proxy-files.ts'

/** Without a replacement, an orphaned worker stops serving after this. */
export const ORPHAN_MAX_WAIT_MS = 30_000
/** After the hand-over, connections that stay idle this long are closed. */
export const HAND_OVER_IDLE_CLOSE_MS = 1_000
/** After the hand-over, the worker exits at the latest after this, dropping what is still open. */
export const HAND_OVER_DRAIN_MAX_MS = 30_000
const POLL_MS = 25

/** The parts of the worker's data plane a hand-over drives. */
export interface RetiringPlane {
  retire(): number
  closeIdle(): void
  openConnections(): number
  close(): void
}

export interface HandOverOptions {
  dataDir: string
  /** The main process that is gone: proxy.json naming any other live pid is the replacement. */
  parentPid: number
  plane: RetiringPlane | undefined
  clock: Clock
  logger: Logger
  exit: () => void
  maxWaitMs?: number
  idleCloseMs?: number
  drainMaxMs?: number
  /**
   * Schedules the closing of the listeners (default: platform's afterIo). A reuseport
   * listener that closes resets the connections still in its accept queue (Linux, unless
   * net.ipv4.tcp_migrate_req is set), so it closes just after the loop has accepted them.
   */
  closeListeners?: (fn: () => void) => void
}

/** True when DIR/proxy.json names a live proxy other than `parentPid`. */
export function replacedBy(dataDir: string, parentPid: number): number | undefined {
  const pid = readProxyFiles(dataDir)?.info.pid
  return pid !== undefined && pid !== parentPid && isRunning(pid) ? pid : undefined
}

export function handOverWhenReplaced(o: HandOverOptions): void {
  const { clock, logger } = o
  const startedAt = clock.now()
  const maxWaitMs = o.maxWaitMs ?? ORPHAN_MAX_WAIT_MS
  const waitForReplacement = () => {
    const successor = replacedBy(o.dataDir, o.parentPid)
    if (successor === undefined && clock.now() - startedAt < maxWaitMs) {
      clock.setTimeout(waitForReplacement, POLL_MS)
      return
    }
    logger.info(
      successor
        ? 'proxy worker handing over to the replacement'
        : 'no replacement proxy appeared; proxy worker stops serving',
      {
        successor,
        orphanedMs: clock.now() - startedAt,
      },
    )
    ;(o.closeListeners ?? afterIo)(drain)
  }
  const drain = () => {
    const plane = o.plane
    if (!plane || plane.retire() === 0) return o.exit()
    const retiredAt = clock.now()
    const check = () => {
      const since = clock.now() - retiredAt
      if (since >= (o.idleCloseMs ?? HAND_OVER_IDLE_CLOSE_MS)) plane.closeIdle()
      if (plane.openConnections() === 0) return o.exit()
      if (since >= (o.drainMaxMs ?? HAND_OVER_DRAIN_MAX_MS)) {
        logger.info('proxy worker drops the connections still open after the hand-over', {
          open: plane.openConnections(),
        })
        plane.close()
        return o.exit()
      }
      clock.setTimeout(check, POLL_MS)
    }
    check()
  }
  waitForReplacement()
}
