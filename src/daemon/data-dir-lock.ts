/**
 * @module
 * The data directory's lock: one daemon (or one offline `baton restore`) per directory, for
 * the life of the process.
 *
 * The lock is a kernel lock (platform/kernel-lock.ts: `daemon.lock`, a SQLite file held in
 * `locking_mode = EXCLUSIVE`), which the kernel drops when the process dies, however it dies.
 *
 * The holder writes its pid beside it (`daemon.pid`) after it has the lock: a process that
 * finds the lock taken names the holder from that file, once the pid there has the lock file
 * open (a killed holder's file stays behind until the next holder rewrites it).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { DATA_FILES } from '../platform/env.ts'
import { takeKernelLock, type KernelLock } from '../platform/kernel-lock.ts'

export type DataDirLock = KernelLock

/**
 * How long a starter's first try waits for a lock that is being taken; each later try waits
 * one more LOCK_WAIT_MS. Two starters can each hold SQLite's shared lock on the way to the
 * exclusive one; SQLite then fails one at once, and the other waits until the loser has closed
 * its connection. On a loaded machine the loser can be off the CPU for over a second between
 * its failure and its close, which fails both; the longer waits of later tries end that.
 */
const LOCK_WAIT_MS = 1000
/**
 * How many times a starter that finds the lock busy tries again while no holder shows itself
 * (two starters that met on the way, or a holder that has not written its pid yet). A running
 * daemon's pid is found before the first try, so refusing it costs no wait.
 */
const LOCK_ATTEMPTS = 5

/**
 * Takes the data directory's lock, or throws BATON_DATA_DIR_LOCKED naming the holder's pid.
 * `purpose` says what is refused ("start the daemon", "restore").
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  const file = join(dataDir, DATA_FILES.lock)
  const held = takeKernelLock({
    file,
    attempts: LOCK_ATTEMPTS,
    waitMs: (attempt) => attempt * LOCK_WAIT_MS,
    // Staggered by pid, so that two starters that failed together do not meet again.
    pauseMs: 50 + (process.pid % 8) * 25,
    holder: () => holderPid(dataDir),
    refuseKnownHolder: true,
    refuse: (holder) =>
      new BatonError(
        'BATON_DATA_DIR_LOCKED',
        `cannot ${purpose}: the data directory ${dataDir} is locked by ${holder ? `another Baton process (pid ${holder})` : 'another Baton process'}`,
        {
          hint: 'A daemon already runs on this directory: use it, stop it with `baton down`, or pass another --data-dir',
        },
      ),
    cannotLock: (err) =>
      new BatonError('BATON_STORE', `cannot lock the data directory ${dataDir}: ${(err as Error).message}`, {
        hint: `Check that ${file} is a file this user may write`,
        cause: err,
      }),
  })
  try {
    writeFileSync(join(dataDir, DATA_FILES.pid), `${process.pid}\n`, { mode: 0o600 })
  } catch {
    // Only a refusal's message needs it (it then names no pid): a full disk must not stop the start.
  }
  return held
}

/**
 * The pid in daemon.pid, if it names the process that has daemon.lock open: the file may
 * still name a holder that died (SIGKILL leaves it behind), or the new holder may not have
 * written it yet.
 */
function holderPid(dataDir: string): number | undefined {
  let lockFile: string
  try {
    lockFile = realpathSync(join(dataDir, DATA_FILES.lock))
  } catch {
    return undefined
  }
  const pid = readPidFile(join(dataDir, DATA_FILES.pid))
  return pid !== undefined && holdsOpen(pid, lockFile) ? pid : undefined
}

function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Whether process `pid` has `file` open (Linux /proc; elsewhere: whether it is alive). */
function holdsOpen(pid: number, file: string): boolean {
  let fds: string[]
  try {
    fds = readdirSync(`/proc/${pid}/fd`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync('/proc/self/fd')) return false
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  return fds.some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === file
    } catch {
      return false
    }
  })
}
