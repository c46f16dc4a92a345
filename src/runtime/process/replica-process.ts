/**
 * @module
 * One container instance as an operating-system process that outlives the daemon.
 *
 * Design: the container runs under a tiny shell shim that is the leader of its own session
 * and process group (spawned detached), with stdout/stderr going straight to files by file
 * descriptor (never a pipe; logs/log-collector.ts reads them), so neither the daemon's death
 * nor a full pipe can hurt it:
 *
 *   /bin/sh -c 'trap : TERM INT HUP; f=$1; shift; "$@"; c=$?; echo $c > "$f"; exit $c' baton-shim <exit-file> <argv…>
 *
 * The shim waits for the app and writes its exit status (128+n when a signal killed it) to
 * the exit file. That is how the agent learns the exit code of a replica it re-adopted after
 * a restart, which is no longer its child and cannot be waited for. The trap runs a command
 * (":") instead of ignoring the signal ('' would be inherited by the app as "ignored"), so a
 * SIGTERM sent to the whole group reaches the app with its default action while the shim
 * survives to record the result. SIGKILL takes the shim too: no exit file then means 137.
 *
 * Exit is observed through the child's exit event while the agent that started it lives, and
 * by polling /proc (pid + start time) after re-adoption.
 */
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { constants } from 'node:os'
import type { Clock, TimerHandle } from '../../platform/clock.ts'
import { isRunning, readProcStat } from '../../platform/proc-stat.ts'

export const SHIM_SCRIPT = 'trap : TERM INT HUP; f=$1; shift; "$@"; c=$?; echo $c > "$f"; exit $c'
export const SHIM_NAME = 'baton-shim'
/** How often a re-adopted replica's pid is checked. */
export const ADOPTED_POLL_MS = 500
/** Exit status reported when the shim left no exit file: it was SIGKILLed along with the app. */
export const KILLED_EXIT_CODE = 128 + constants.signals.SIGKILL

export interface LaunchSpec {
  argv: string[]
  cwd: string
  env: Record<string, string>
  /** File descriptors for stdout and stderr (the raw log files, logs/log-collector.ts). */
  output: { stdout: number; stderr: number }
  exitCodePath: string
  /** Run as this user and group (securityContext.runAsUser / runAsGroup). */
  uid?: number
  gid?: number
  /** Wraps the shim's argv (the container's own mount namespace, mount-namespace.ts); the wrapper then switches the user. */
  wrap?: (argv: readonly string[]) => string[]
}

export interface ProcessIdentity {
  pid: number
  /** /proc start time of the shim (clock ticks since boot). */
  startTime: number
  exitCodePath: string
}

export interface ReplicaProcess extends ProcessIdentity {
  /** Resolves with the exit status once the shim is gone. */
  readonly exited: Promise<number>
  /** Sends a signal to the whole process group (the app and everything it started). */
  signal(sig: NodeJS.Signals): void
  /** Stops watching without touching the process (the agent stops, the replica stays). */
  detach(): void
}

export function launchReplica(spec: LaunchSpec): Promise<ReplicaProcess> {
  rmSync(spec.exitCodePath, { force: true })
  const shim = ['/bin/sh', '-c', SHIM_SCRIPT, SHIM_NAME, spec.exitCodePath, ...spec.argv]
  const [file, ...args] = spec.wrap ? spec.wrap(shim) : shim
  const child = spawn(file as string, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', spec.output.stdout, spec.output.stderr],
    ...(spec.wrap
      ? {}
      : { ...(spec.uid !== undefined ? { uid: spec.uid } : {}), ...(spec.gid !== undefined ? { gid: spec.gid } : {}) }),
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('spawn', () => {
      const pid = child.pid as number
      const startTime = readProcStat(pid)?.startTime ?? 0
      let watching = true
      const exited = new Promise<number>((done) => {
        child.once('exit', (code, sig) => {
          if (!watching) return
          done(readExitCode(spec.exitCodePath) ?? (sig ? 128 + constants.signals[sig] : (code ?? KILLED_EXIT_CODE)))
        })
      })
      child.unref()
      resolve({
        pid,
        startTime,
        exitCodePath: spec.exitCodePath,
        exited,
        signal: (sig) => signalGroup(pid, sig),
        detach: () => void (watching = false),
      })
    })
  })
}

/** Re-attaches to a replica started by an earlier agent; undefined when it is no longer running. */
export function adoptReplica(id: ProcessIdentity, clock: Clock): ReplicaProcess | undefined {
  if (!isRunning(id.pid, id.startTime)) return undefined
  let timer: TimerHandle | undefined
  let watching = true
  const exited = new Promise<number>((done) => {
    const poll = () => {
      if (!watching) return
      if (isRunning(id.pid, id.startTime)) timer = clock.setTimeout(poll, ADOPTED_POLL_MS)
      else done(readExitCode(id.exitCodePath) ?? KILLED_EXIT_CODE)
    }
    timer = clock.setTimeout(poll, ADOPTED_POLL_MS)
  })
  return {
    ...id,
    exited,
    signal: (sig) => signalGroup(id.pid, sig),
    detach() {
      watching = false
      timer?.cancel()
    },
  }
}

/** Signals process group `pgid`; false when no process is left in it. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig)
    return true
  } catch {
    return false
  }
}

export function readExitCode(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isInteger(n) ? n : undefined
  } catch {
    return undefined
  }
}
