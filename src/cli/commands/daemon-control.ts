/**
 * @module
 * What `up` and `down` share: whether a pid is alive, and polling with a deadline on the
 * injected clock.
 */
import type { Clock } from '../../platform/clock.ts'
import { readProcStat } from '../../runtime/process/proc-stat.ts'

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // A daemon killed with SIGKILL stays a zombie until its parent (init, for a detached
  // daemon) reaps it, which may take a while: signal 0 still reaches a zombie, but it is dead,
  // and `up` must start a new daemon instead of reporting it "already running".
  const st = readProcStat(pid)
  return st === undefined || (st.state !== 'Z' && st.state !== 'X')
}

/** Calls `probe` every `everyMs` until it returns a value or `timeoutMs` passes (then undefined). */
export async function pollUntil<T>(clock: Clock, timeoutMs: number, everyMs: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = clock.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (clock.now() >= deadline) return undefined
    await clock.sleep(everyMs)
  }
}
