/**
 * @module
 * The fleet's revision history, kept by the coordinator in its state directory
 * (`history.json`, written whole through a temp file and a rename): every rollout with the
 * objects it sent (so `undo` can send them again) and its per-window report, and which
 * revision each target runs since when. A running rollout is recorded as `running` and
 * rewritten after every window, so `baton fleet status` shows where it is.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AnyObject } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { WindowReport } from './coordinator.ts'
import type { RecoveryReport } from './recover.ts'

export const HISTORY_FILE = 'history.json'

export interface FleetRevision {
  revision: number
  startedAt: string
  finishedAt?: string
  outcome: 'running' | 'succeeded' | 'failed'
  reason?: string
  cause: string
  objects: AnyObject[]
  artifacts: Record<string, string>
  windows: WindowReport[]
  /** Target name → the revision it ran when this rollout started (what a rollback goes back to). */
  previous?: Record<string, number>
  /** Its coordinator ended mid-rollout (killed, or its machine restarted). */
  interrupted?: boolean
  /** When a recovery (`baton fleet recover`, or the next rollout) dealt with what it left. */
  recoveredAt?: string
}

export interface FleetHistory {
  revisions: FleetRevision[]
  /** Target name → the revision it runs and since when. */
  targets: Record<string, { revision: number; since: string }>
  /** The newest recoveries of drained targets, oldest first (at most RECOVERIES_KEPT). */
  recoveries?: RecoveryReport[]
}

export const RECOVERIES_KEPT = 20

export function readHistory(stateDir: string): FleetHistory {
  let text: string
  try {
    text = readFileSync(join(stateDir, HISTORY_FILE), 'utf8')
  } catch {
    return { revisions: [], targets: {} }
  }
  try {
    return JSON.parse(text) as FleetHistory
  } catch (err) {
    throw new BatonError('BATON_STORE_CORRUPT', `the fleet history ${join(stateDir, HISTORY_FILE)} is not JSON`, {
      hint: 'Restore the file, or move it away to start the history over',
      cause: err,
    })
  }
}

export function writeHistory(stateDir: string, h: FleetHistory): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const path = join(stateDir, HISTORY_FILE)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(h, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

/** The revision `undo` goes back to: `to`, else the newest one before the newest that succeeded. */
export function undoTarget(h: FleetHistory, to: number | undefined): FleetRevision {
  const done = h.revisions.filter((r) => r.outcome === 'succeeded')
  const pick = to !== undefined ? h.revisions.find((r) => r.revision === to) : done[done.length - 2]
  if (!pick)
    throw new BatonError(
      'BATON_REVISION_NOT_FOUND',
      to !== undefined
        ? `the fleet has no revision ${to}`
        : 'the fleet has no earlier successful revision to go back to',
      { hint: 'List the revisions with: baton fleet history -f FLEET' },
    )
  return pick
}
