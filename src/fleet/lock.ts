/**
 * @module
 * One coordinator per fleet: `baton fleet rollout|apply|undo` hold the lock of the fleet's
 * state directory from before they read the history until after they have written it, so two
 * rollouts of one fleet cannot interleave their windows.
 *
 * The lock is a kernel lock, as the daemon's data-directory lock is (daemon/data-dir-lock.ts):
 * `rollout.lock` is a small SQLite file opened in `locking_mode = EXCLUSIVE`, whose lock the
 * kernel drops when the holder's process ends, however it ends. A lock is therefore never
 * stale; what a killed coordinator leaves behind is its record, `rollout.holder.json` (pid,
 * host, command, start), which names the holder to a refused coordinator, and which the next
 * coordinator to take the lock finds and reports as recovered (its rollout was interrupted).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { BatonError } from '../errors/baton-error.ts'

export const LOCK_FILE = 'rollout.lock'
export const HOLDER_FILE = 'rollout.holder.json'

export interface LockHolder {
  pid: number
  host: string
  command: string
  startedAt: string
}

export interface FleetLock {
  /** The record a coordinator that ended without releasing the lock left behind. */
  recovered?: LockHolder
  release(): void
}

/** Tries a few times while the lock is busy and no holder has written its record yet. */
const ATTEMPTS = 5
const BUSY_WAIT_MS = 200

/** Takes the fleet's lock, or throws BATON_FLEET_LOCKED naming its holder. */
export function lockFleet(stateDir: string, fleetName: string, me: { command: string; startedAt: string }): FleetLock {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let attempt = 1; ; attempt++) {
    const db = tryLock(stateDir)
    if (db) {
      const recovered = readHolder(stateDir)
      const holder: LockHolder = { pid: process.pid, host: hostname(), ...me }
      writeFileSync(join(stateDir, HOLDER_FILE), `${JSON.stringify(holder)}\n`, { mode: 0o600 })
      return {
        ...(recovered ? { recovered } : {}),
        release() {
          rmSync(join(stateDir, HOLDER_FILE), { force: true })
          if (db.isOpen) db.close()
        },
      }
    }
    const holder = readHolder(stateDir)
    if (holder || attempt >= ATTEMPTS)
      throw new BatonError(
        'BATON_FLEET_LOCKED',
        `fleet ${fleetName} is being rolled by another coordinator: ${holder ? describeHolder(holder) : 'one that has not named itself yet'}`,
        {
          hint: `Wait for it to finish (baton fleet status shows where it is), or stop it; its lock is ${join(stateDir, LOCK_FILE)}, released when that process ends`,
        },
      )
    Atomics.wait(pause, 0, 0, BUSY_WAIT_MS)
  }
}

/**
 * Whether a coordinator holds the fleet's lock now, and the record it wrote (for `fleet
 * status`). Looking takes the lock for an instant when it is free; a coordinator starting in
 * that instant waits for it (tryLock's busy timeout), it is not refused.
 */
export function lockState(stateDir: string): { held: boolean; holder?: LockHolder } {
  const holder = readHolder(stateDir)
  const withHolder = holder ? { holder } : {}
  if (!existsSync(join(stateDir, LOCK_FILE))) return { held: false, ...withHolder }
  const db = tryLock(stateDir)
  if (!db) return { held: true, ...withHolder }
  db.close()
  return { held: false, ...withHolder }
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (${h.command}), since ${h.startedAt}`
}

function tryLock(stateDir: string): DatabaseSync | undefined {
  const file = join(stateDir, LOCK_FILE)
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(file, { timeout: BUSY_WAIT_MS })
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL)')
    db.exec('DELETE FROM holder')
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid)
    db.exec('COMMIT')
    return db
  } catch (err) {
    if (db?.isOpen) db.close()
    const code = (err as { errcode?: number }).errcode
    if (code === 5 || code === 6) return undefined
    throw new BatonError('BATON_STORE', `cannot lock the fleet's state directory: ${(err as Error).message}`, {
      hint: `Check that ${file} is a file this user may write`,
      cause: err,
    })
  }
}

function readHolder(stateDir: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(stateDir, HOLDER_FILE), 'utf8')) as LockHolder
    return Number.isInteger(h.pid) ? h : undefined
  } catch {
    return undefined
  }
}
