/**
 * @module
 * Which processes still belong to a test's data directory, read from /proc: a process whose
 * working directory or command line points into the directory (the daemon, the load
 * balancer, every replica). Used after `baton down --all` to prove nothing was left behind,
 * and to kill, by PID, whatever was.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { readProcStat } from '../../../src/platform/proc-stat.ts'
import { SHIM_NAME } from '../../../src/runtime/process/replica-process.ts'

export interface LeftoverProcess {
  pid: number
  cwd: string
  cmdline: string
}

function tryRead(read: () => string): string {
  try {
    return read()
  } catch {
    return '' // the process ended while we looked, or is not ours to read
  }
}

/** Processes (other than this one) whose cwd or cmdline contains `dir`. Linux only. */
export function processesUnder(dir: string): LeftoverProcess[] {
  const found: LeftoverProcess[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    if (pid === process.pid) continue
    const cwd = tryRead(() => readlinkSync(`/proc/${name}/cwd`))
    const cmdline = tryRead(() => readFileSync(`/proc/${name}/cmdline`, 'utf8'))
      .replaceAll('\0', ' ')
      .trim()
    // A zombie has an empty cmdline and no cwd: it holds no port and its parent reaps it.
    if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push({ pid, cwd, cmdline })
  }
  return found
}

/** SIGKILL each listed process by PID; returns the ones that were still alive. */
export function killAll(procs: readonly LeftoverProcess[]): LeftoverProcess[] {
  const alive: LeftoverProcess[] = []
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL')
      alive.push(p)
    } catch {
      // already gone
    }
  }
  return alive
}

export interface ReplicaProcess {
  pid: number
  /** The pod directory's name: the pod's uid. */
  podUid: string
  /** version.txt beside the app (the image's version), when there is one. */
  version?: string
}

/**
 * The app processes of a data directory's pods, without the shell shim each one runs under
 * (src/runtime/process/replica-process.ts): the shim's command line names its container's
 * exit-code file under <dataDir>/pods/<uid>/, and the app is its child. The app's own working
 * directory is no guide: it runs from the artifact's one shared copy (<dataDir>/images/...).
 */
export function replicaProcesses(dataDir: string): ReplicaProcess[] {
  const podsDir = `${dataDir}/pods/`
  const shims = processesUnder(podsDir).filter((p) => p.cmdline.includes(SHIM_NAME))
  const children = childrenByParent()
  return shims.flatMap((shim) => {
    const podUid = shim.cmdline.slice(shim.cmdline.indexOf(podsDir) + podsDir.length).split('/')[0]!
    return (children.get(shim.pid) ?? []).map((pid) => {
      const version = tryRead(() => readFileSync(`/proc/${pid}/cwd/version.txt`, 'utf8')).trim()
      return { pid, podUid, ...(version ? { version } : {}) }
    })
  })
}

/**
 * The example app's version (v1 or v2) that no replica of the data directory runs now: the
 * target of a rollout that must really happen, also when vitest's retry (docs/conventions.md
 * P16) repeats a case after its failed attempt already rolled.
 */
export function versionNotRunning(dataDir: string): 'v1' | 'v2' {
  const running = new Set(replicaProcesses(dataDir).map((p) => p.version))
  return running.has('v1') ? 'v2' : 'v1'
}

/** Every process's children, from the parent pid in /proc/<pid>/stat. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    const st = /^\d+$/.test(name) ? readProcStat(Number(name)) : undefined
    if (st) children.set(st.ppid, [...(children.get(st.ppid) ?? []), st.pid])
  }
  return children
}

/** True while the process exists (and is not a zombie waiting for us). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
