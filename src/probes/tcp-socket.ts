/**
 * @module
 * The tcpSocket probe executor: success when a TCP connection opens within the timeout; the
 * connection is closed at once.
 */
import type { Clock } from '../platform/clock.ts'
import type { ProbeOutcome } from './probe-runner.ts'
import { probeSocket } from './probe-socket.ts'

export function tcpSocketProbe(host: string, port: number, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  const opts = { timeoutMessage: `dial tcp ${host}:${port}: i/o timeout` }
  return probeSocket({ host, port }, timeoutMs, clock, opts, (socket, finish) => {
    socket.once('connect', () => finish({ ok: true, message: '' }))
  })
}
