/**
 * @module
 * The exec probe executor (also runs exec lifecycle hooks): runs the command in the pod's
 * directory and environment, in its own process group so that a timeout kills the command
 * and everything it started. Exit 0 is success; otherwise the combined output is the
 * failure message, as `kubectl describe` shows it.
 */
import { spawn } from 'node:child_process'
import type { Clock } from '../platform/clock.ts'
import type { ProbeOutcome } from './probe-runner.ts'

export interface ExecSpec {
  command: string[]
  cwd: string
  env: Record<string, string>
  /** The container's user and group: exec probes and hooks run as the container does. */
  uid?: number
  gid?: number
  /** Wraps the command (enters the container's mount namespace, runtime/process/mount-namespace.ts); the wrapper then switches the user. */
  wrap?: (command: readonly string[]) => string[]
}

const MAX_OUTPUT = 10 * 1024

export function execProbe(spec: ExecSpec, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  const [file] = spec.command
  if (file === undefined) return Promise.resolve({ ok: false, message: 'exec: no command specified' })
  const [run, ...args] = spec.wrap ? spec.wrap(spec.command) : spec.command
  return new Promise((resolve) => {
    let settled = false
    let output = ''
    const child = spawn(run as string, args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(spec.wrap
        ? {}
        : {
            ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
            ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
          }),
    })
    const finish = (o: ProbeOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      resolve(o)
    }
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8')
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'executable file not found in $PATH' : err.message
      finish({ ok: false, message: `exec: "${file}": ${why}` })
    })
    child.once('close', (code, signal) => {
      if (code === 0) return finish({ ok: true, message: output.trim() })
      // A wrapper's shell reports a missing command as exit 127 where spawn reports ENOENT.
      if (spec.wrap && code === 127 && /not found/.test(output))
        return finish({ ok: false, message: `exec: "${file}": executable file not found in $PATH` })
      const text = output.trim()
      finish({
        ok: false,
        message: text || `command ${JSON.stringify(spec.command)} exited with ${signal ?? `code ${code}`}`,
      })
    })
    const timer = clock.setTimeout(() => {
      killGroup(child.pid)
      finish({ ok: false, message: `command ${JSON.stringify(spec.command)} timed out after ${timeoutMs / 1000}s` })
    }, timeoutMs)
  })
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone: nothing left to kill.
  }
}
