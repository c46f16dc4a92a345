/**
 * @module
 * What /proc says about a process: its state, process group and start time. The start time
 * (clock ticks since boot, field 22 of /proc/<pid>/stat) tells a re-adopted replica apart
 * from an unrelated process that got the same pid after a reboot or pid wrap-around.
 */
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcStat {
  pid: number
  /** R, S, D, Z (zombie), T… */
  state: string
  ppid: number
  pgid: number
  startTime: number
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  return parseProcStat(text)
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so split after the last ")". */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  const pid = Number.parseInt(text, 10)
  const fields = text.slice(close + 2).split(' ')
  // fields[0] is field 3 (state); field n is fields[n - 3].
  const [state, ppid, pgid] = [fields[0], fields[1], fields[2]]
  const startTime = fields[19]
  if (!state || ppid === undefined || pgid === undefined || startTime === undefined) return undefined
  return { pid, state, ppid: Number(ppid), pgid: Number(pgid), startTime: Number(startTime) }
}

/**
 * The process exists, is not a zombie and, when `startTime` is given, is the same process.
 * A process killed with SIGKILL stays a zombie until its parent (init, for a detached daemon)
 * reaps it: signal 0 still reaches it, but it is dead, and `baton up` must start a new daemon
 * instead of reporting it "already running".
 */
export function isRunning(pid: number, startTime?: number): boolean {
  const st = readProcStat(pid)
  if (!st || st.state === 'Z' || st.state === 'X') return false
  return startTime === undefined || st.startTime === startTime
}

/** Live (non-zombie) members of a process group. Reads every /proc/<pid>/stat: use sparingly. */
export function processGroupMembers(pgid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    const st = readProcStat(pid)
    if (st && st.pgid === pgid && st.state !== 'Z' && st.state !== 'X') out.push(pid)
  }
  return out
}
