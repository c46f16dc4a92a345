/**
 * @module
 * The connection both network probes (httpGet, tcpSocket) run on: one fresh TCP connection,
 * an outcome given at most once, and the socket closed and the timer cancelled whichever
 * settles first (the probe's own answer, a socket error, or the timeout).
 */
import { connect, type Socket } from 'node:net'
import type { Clock } from '../platform/clock.ts'
import type { ProbeOutcome } from './probe-runner.ts'

export interface ProbeTarget {
  host: string
  port: number
}

/**
 * Connects to `target` and hands the socket to `use` with `finish`, which settles the probe.
 * A socket error fails it with Go's wording (`describeError` may prefix it, as httpGet's
 * `Get "<url>": …` does); `timeoutMs` without an outcome fails it with `timeoutMessage`.
 */
export function probeSocket(
  target: ProbeTarget,
  timeoutMs: number,
  clock: Clock,
  opts: { timeoutMessage: string; describeError?: (message: string) => string },
  use: (socket: Socket, finish: (o: ProbeOutcome) => void) => void,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false
    const socket = connect({ host: target.host, port: target.port })
    const finish = (o: ProbeOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      socket.destroy()
      resolve(o)
    }
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const message = describeNetError(err, target)
      finish({ ok: false, message: opts.describeError ? opts.describeError(message) : message })
    })
    const timer = clock.setTimeout(() => finish({ ok: false, message: opts.timeoutMessage }), timeoutMs)
    use(socket, finish)
  })
}

/** Words socket errors as Go's net package does, which is what Kubernetes users recognise. */
export function describeNetError(err: NodeJS.ErrnoException, t: ProbeTarget): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${t.host}:${t.port}: connect: connection refused`
    case 'ECONNRESET':
      return `read tcp ${t.host}:${t.port}: read: connection reset by peer`
    default:
      return err.message
  }
}
