/**
 * @module
 * The log pump: one tiny process per container instance, the only writer of its log files
 * (the role conmon / containerd-shim play for the kubelet). Run as
 *
 *     node log-pump.ts <logsDir> <container> <maxBytes> <maxFiles>
 *
 * with the container's stdout on fd 0 and its stderr on fd 3 (spawn-log-pump.ts wires it).
 * It timestamps each line as it arrives, writes CRI records with rotation
 * (container-log-writer.ts) and exits when both streams reach end of file, i.e. when the
 * container and everything it forked have closed them.
 *
 * Why a separate process: the container writes into a pipe whose reader must outlive the
 * daemon. If the daemon read the pipe itself, a daemon SIGKILL would leave the app writing
 * into a pipe with no reader (EPIPE, usually a crash). The pump is detached and ignores
 * SIGINT/SIGTERM/SIGHUP, so it lives exactly as long as the container's output does.
 */
import net from 'node:net'
import { systemClock, type TimerHandle } from '../platform/clock.ts'
import type { LogStream } from './cri-format.ts'
import { ContainerLogWriter } from './container-log-writer.ts'

/** An unfinished line is stored as a P fragment after this much quiet on its stream. */
export const PARTIAL_FLUSH_MS = 1000

export function runLogPump(argv: readonly string[]): void {
  const [dir, container, maxBytes, maxFiles] = argv
  if (!dir || !container) throw new Error('usage: log-pump.ts <logsDir> <container> <maxBytes> <maxFiles>')
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => {})
  const writer = new ContainerLogWriter({
    dir,
    container,
    maxBytes: Number(maxBytes) || undefined,
    maxFiles: Number(maxFiles) || undefined,
    now: () => systemClock.now(),
  })
  // A failing disk must not stop the pump from reading: the app would block on a full pipe.
  // Records are dropped instead.
  const guarded = (fn: () => void) => {
    try {
      fn()
    } catch {
      // dropped: nowhere left to report it
    }
  }
  let open = 2
  const pump = (stream: LogStream, fd: number): net.Socket => {
    const socket = new net.Socket({ fd, readable: true, writable: fd === 3 })
    let idle: TimerHandle | undefined
    socket.on('data', (chunk: Buffer) => {
      guarded(() => writer.write(stream, chunk))
      idle?.cancel()
      idle = systemClock.setTimeout(() => guarded(() => writer.flushPartial(stream)), PARTIAL_FLUSH_MS)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      idle?.cancel()
      guarded(() => writer.end(stream))
      if (--open > 0) return
      guarded(() => writer.close())
      process.exit(0)
    })
    return socket
  }
  pump('stdout', 0)
  const stderr = pump('stderr', 3)
  // fd 3 is a socket pair: one byte back tells the spawner the pump is reading, so lines the
  // container writes from its first instant are stamped when written, not when the pump starts.
  stderr.write('R')
}

if (import.meta.main) runLogPump(process.argv.slice(2))
