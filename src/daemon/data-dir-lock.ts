/**
 * @module
 * The data directory's lock: one daemon (or one offline `baton restore`) per directory, for
 * the life of the process.
 *
 * Node has no flock(2). A pidfile created with O_EXCL needs stale detection (is the recorded
 * pid alive, and is it still a Baton?), and two starters that both judge the file stale can
 * both take it over. SQLite's own locking is a kernel lock instead: `daemon.lock` is a small
 * SQLite file opened in `locking_mode = EXCLUSIVE` and written once, which takes SQLite's
 * EXCLUSIVE lock (POSIX fcntl byte-range locks) and keeps it until the connection closes. The
 * kernel drops it when the process dies, however it dies (SIGKILL, OOM), so there is nothing
 * stale to detect, and of two processes that race for it exactly one gets it.
 *
 * The holder writes its pid beside it (`daemon.pid`) after it has the lock: a process that
 * finds the lock taken names the holder from that file, once the pid there has the lock file
 * open (a killed holder's file stays behind until the next holder rewrites it).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { DATA_FILES } from '../platform/env.ts'

export interface DataDirLock {
  /** Releases the lock (the process's exit does too). */
  release(): void
}

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
  const pause = new Int32Array(new SharedArrayBuffer(4))
  const refuse = (holder: number | undefined) =>
    new BatonError(
      'BATON_DATA_DIR_LOCKED',
      `cannot ${purpose}: the data directory ${dataDir} is locked by ${holder ? `another Baton process (pid ${holder})` : 'another Baton process'}`,
      {
        hint: 'A daemon already runs on this directory: use it, stop it with `baton down`, or pass another --data-dir',
      },
    )
  for (let attempt = 1; ; attempt++) {
    const before = holderPid(dataDir)
    if (before !== undefined) throw refuse(before)
    const held = tryLock(dataDir, file, attempt * LOCK_WAIT_MS)
    if (held !== undefined) return held
    // Busy and no holder to be seen: two starters met on the way to the lock, or the holder
    // has not written its pid yet. Try again, staggered by pid so that two starters that
    // failed together do not meet again; a holder that shows itself ends the wait.
    const holder = holderPid(dataDir)
    if (holder !== undefined || attempt >= LOCK_ATTEMPTS) throw refuse(holder)
    Atomics.wait(pause, 0, 0, 50 + (process.pid % 8) * 25)
  }
}

/** The lock, or undefined when another connection holds it (or is taking it). */
function tryLock(dataDir: string, file: string, waitMs: number): DataDirLock | undefined {
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(file, { timeout: waitMs })
    // No journal file: the one write rewrites a page in place, so the lock is taken on a full disk too.
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL)')
    db.exec('DELETE FROM holder')
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid)
    db.exec('COMMIT')
  } catch (err) {
    if (db?.isOpen) db.close()
    if (isBusy(err)) return undefined
    throw new BatonError('BATON_STORE', `cannot lock the data directory ${dataDir}: ${(err as Error).message}`, {
      hint: `Check that ${file} is a file this user may write`,
      cause: err,
    })
  }
  const held = db
  try {
    writeFileSync(join(dataDir, DATA_FILES.pid), `${process.pid}\n`, { mode: 0o600 })
  } catch {
    // Only a refusal's message needs it (it then names no pid): a full disk must not stop the start.
  }
  return {
    release() {
      if (held.isOpen) held.close()
    },
  }
}

/** SQLITE_BUSY (5) or SQLITE_LOCKED (6): another connection holds the lock. */
function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: number }).errcode
  return code === 5 || code === 6
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
