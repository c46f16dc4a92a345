/**
 * @module
 * One coordinator per fleet: `baton fleet rollout|apply|undo` hold the lock of the fleet's
 * state directory from before they read the history until after they have written it, so two
 * rollouts of one fleet cannot interleave their windows.
 *
 * The lock is a kernel lock, the one the daemon's data directory takes too
 * (platform/kernel-lock.ts): `rollout.lock` is a small SQLite file opened in
 * `locking_mode = EXCLUSIVE`, whose lock the kernel drops when the holder's process ends, however it ends. A lock is therefore never
 * stale; what a killed coordinator leaves behind is its record, `rollout.holder.json` (pid,
 * host, command, start), which names the holder to a refused coordinator, and which the next
 * coordinator to take the lock finds and reports as recovered (its rollout was interrupted).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { takeKernelLock, tryKernelLock } from '../platform/kernel-lock.ts'

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
  const held = takeKernelLock({
    file: join(stateDir, LOCK_FILE),
    attempts: ATTEMPTS,
    waitMs: () => BUSY_WAIT_MS,
    pauseMs: BUSY_WAIT_MS,
    holder: () => readHolder(stateDir),
    // A killed coordinator's record stays behind: only a busy lock says that its holder lives.
    refuseKnownHolder: false,
    refuse: (holder) =>
      new BatonError(
        'BATON_FLEET_LOCKED',
        `fleet ${fleetName} is being rolled by another coordinator: ${holder ? describeHolder(holder) : 'one that has not named itself yet'}`,
        {
          hint: `Wait for it to finish (baton fleet status shows where it is), or stop it; its lock is ${join(stateDir, LOCK_FILE)}, released when that process ends`,
        },
      ),
    cannotLock: (err) => cannotLock(stateDir, err),
  })
  const recovered = readHolder(stateDir)
  const holder: LockHolder = { pid: process.pid, host: hostname(), ...me }
  writeFileSync(join(stateDir, HOLDER_FILE), `${JSON.stringify(holder)}\n`, { mode: 0o600 })
  return {
    ...(recovered ? { recovered } : {}),
    release() {
      rmSync(join(stateDir, HOLDER_FILE), { force: true })
      held.release()
    },
  }
}

/**
 * Whether a coordinator holds the fleet's lock now, and the record it wrote (for `fleet
 * status`). Looking takes the lock for an instant when it is free; a coordinator starting in
 * that instant waits for it (the busy timeout of its try), it is not refused.
 */
export function lockState(stateDir: string): { held: boolean; holder?: LockHolder } {
  const holder = readHolder(stateDir)
  const withHolder = holder ? { holder } : {}
  if (!existsSync(join(stateDir, LOCK_FILE))) return { held: false, ...withHolder }
  const lock = tryKernelLock(join(stateDir, LOCK_FILE), BUSY_WAIT_MS, (err) => cannotLock(stateDir, err))
  if (!lock) return { held: true, ...withHolder }
  lock.release()
  return { held: false, ...withHolder }
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (${h.command}), since ${h.startedAt}`
}

function cannotLock(stateDir: string, err: unknown): BatonError {
  return new BatonError('BATON_STORE', `cannot lock the fleet's state directory: ${(err as Error).message}`, {
    hint: `Check that ${join(stateDir, LOCK_FILE)} is a file this user may write`,
    cause: err,
  })
}

function readHolder(stateDir: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(stateDir, HOLDER_FILE), 'utf8')) as LockHolder
    return Number.isInteger(h.pid) ? h : undefined
  } catch {
    return undefined
  }
}
