/**
 * @module
 * The tcpSocket probe executor: success when a TCP connection opens within the timeout; the
 * connection is closed at once.
 */
import { connect } from 'node:net'
import type { Clock } from '../platform/clock.ts'
import { describeNetError } from './http-get.ts'
import type { ProbeOutcome } from './probe-runner.ts'

export function tcpSocketProbe(host: string, port: number, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let settled = false
    const socket = connect({ host, port })
    const finish = (o: ProbeOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      socket.destroy()
      resolve(o)
    }
    socket.once('connect', () => finish({ ok: true, message: '' }))
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, message: describeNetError(err, { host, port }) }),
    )
    const timer = clock.setTimeout(
      () => finish({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }),
      timeoutMs,
    )
  })
}
