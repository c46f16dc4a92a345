/**
 * @module
 * Starting a container's log pump (log-pump.ts) and handing its pipes to the container.
 *
 * @example
 * const pump = spawnLogPump({ podDir, container: 'web' })
 * await pump.ready
 * const app = spawn('node', ['server.js'], { stdio: ['ignore', pump.stdout, pump.stderr], detached: true })
 * pump.release() // the pump now sees end of file exactly when the app (and its children) close
 */
import { spawn } from 'node:child_process'
import type { Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_MAX_FILES, logsDir } from './log-files.ts'

const PUMP_SCRIPT = fileURLToPath(new URL('./log-pump.ts', import.meta.url))

export interface LogPumpOptions {
  podDir: string
  container: string
  maxBytes?: number
  maxFiles?: number
}

export interface LogPump {
  readonly pid: number
  /** Pass as the container's stdio[1]. */
  readonly stdout: Socket
  /** Pass as the container's stdio[2]. */
  readonly stderr: Socket
  /** Closes this process's ends of the pipes; call once the container is spawned (or failed to). */
  release(): void
  /**
   * Resolves once the pump reads its pipes (or has exited). Spawning the container after it
   * keeps the first lines' timestamps exact; lines written earlier wait in the pipe and are
   * stamped when the pump reaches them.
   */
  readonly ready: Promise<void>
  /** Resolves when the pump has written everything and exited. */
  readonly exited: Promise<void>
}

export function spawnLogPump(opts: LogPumpOptions): LogPump {
  const args = [
    PUMP_SCRIPT,
    logsDir(opts.podDir),
    opts.container,
    String(opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES),
    String(opts.maxFiles ?? DEFAULT_LOG_MAX_FILES),
  ]
  // Detached: its own process group, so a Ctrl-C or SIGKILL aimed at the daemon's group
  // does not take the logs down with it.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore', 'pipe'], detached: true })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  child.unref()
  const stdout = child.stdio[0] as Socket
  const stderr = child.stdio[3] as Socket
  const ready = Promise.race([new Promise<void>((resolve) => stderr.once('data', () => resolve())), exited])
  return {
    pid: child.pid ?? -1,
    stdout,
    stderr,
    // destroy(), never end(): end() would shut the socket down for the container too.
    release() {
      stdout.destroy()
      stderr.destroy()
    },
    ready,
    exited,
  }
}
