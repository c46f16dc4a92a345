/**
 * @module
 * One holder at a time for a directory, held for the life of the process: the daemon's data
 * directory (daemon/data-dir-lock.ts) and a fleet's state directory (fleet/lock.ts) both lock
 * this way.
 *
 * Node has no flock(2). A pidfile created with O_EXCL needs stale detection (is the recorded
 * pid alive, and is it still ours?), and two starters that both judge the file stale can both
 * take it over. SQLite's own locking is a kernel lock instead: the lock file is a small SQLite
 * file opened in `locking_mode = EXCLUSIVE` and written once, which takes SQLite's EXCLUSIVE
 * lock (POSIX fcntl byte-range locks) and keeps it until the connection closes. The kernel
 * drops it when the process dies, however it dies (SIGKILL, OOM), so there is nothing stale to
 * detect, and of two processes that race for it exactly one gets it.
 *
 * Who holds a lock is each caller's own record (a pid file, a JSON record): the caller names
 * the holder it finds, and its own error when it is refused.
 */
import { DatabaseSync } from 'node:sqlite'

export interface KernelLock {
  /** Releases the lock (the process's exit does too). */
  release(): void
}

export interface TakeKernelLockOptions<H> {
  /** The lock file (created when missing). */
  file: string
  /** How many tries while the lock is busy and no holder shows itself. */
  attempts: number
  /** How long try `attempt` (from 1) waits for a lock that is being taken (SQLite's busy timeout). */
  waitMs(attempt: number): number
  /** The pause between two tries. */
  pauseMs: number
  /** The holder as the caller's record names it, or undefined when none shows itself. */
  holder(): H | undefined
  /**
   * Whether a holder found before a try refuses at once: true where the record is proven live
   * (the data directory's pid has the lock file open), false where a dead holder's record stays
   * behind (the fleet's).
   */
  refuseKnownHolder: boolean
  /** The error of a refusal, naming the holder when one showed itself. */
  refuse(holder: H | undefined): Error
  /** The error when the lock file cannot be opened or written (not a busy lock). */
  cannotLock(err: unknown): Error
}

/** Takes the lock, trying again while it is busy and no holder shows itself; or throws `refuse`. */
export function takeKernelLock<H>(o: TakeKernelLockOptions<H>): KernelLock {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let attempt = 1; ; attempt++) {
    if (o.refuseKnownHolder) {
      const before = o.holder()
      if (before !== undefined) throw o.refuse(before)
    }
    const held = tryKernelLock(o.file, o.waitMs(attempt), o.cannotLock)
    if (held !== undefined) return held
    // Busy and no holder to be seen: two starters met on the way to the lock, or the holder
    // has not written its record yet. Try again; a holder that shows itself ends the wait.
    const holder = o.holder()
    if (holder !== undefined || attempt >= o.attempts) throw o.refuse(holder)
    Atomics.wait(pause, 0, 0, o.pauseMs)
  }
}

/**
 * The lock, or undefined when another connection holds it (or is taking it) after `waitMs`.
 * The holder table records this process's pid inside the lock file too.
 */
export function tryKernelLock(
  file: string,
  waitMs: number,
  cannotLock: (err: unknown) => Error,
): KernelLock | undefined {
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
    throw cannotLock(err)
  }
  const held = db
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
