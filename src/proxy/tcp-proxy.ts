/**
 * @module
 * One client connection of a TCP route (appProtocol tcp, or a port named tcp-*): the
 * replica is picked per connection (fewest open connections), the bytes are piped both ways
 * with backpressure. A replica that refuses or times out the connection is skipped for the
 * next one (nothing was sent yet, so that is always safe). The connection counts as in
 * flight on its pod until either side closes: a drain waits for it, bounded by the pod's
 * grace period. Figures: one "request" per connection, latency = time to reach a replica.
 */
import net from 'node:net'
import type { TimerHandle } from '../platform/clock.ts'
import { pickWeighted } from './weighted-pick.ts'
import type { PlaneContext } from './http-proxy.ts'
import type { EndpointState, EndpointWaiter, RouteState } from './route-state.ts'

export class TcpConnection implements EndpointWaiter {
  readonly #client: net.Socket
  readonly #route: RouteState
  readonly #ctx: PlaneContext
  readonly #started: number
  readonly #tried: EndpointState[] = []
  #ep: EndpointState | null = null
  #up: net.Socket | null = null
  #waitTimer: TimerHandle | null = null
  #closed = false

  constructor(client: net.Socket, route: RouteState, ctx: PlaneContext) {
    this.#client = client
    this.#route = route
    this.#ctx = ctx
    this.#started = ctx.hrNow()
    client.setNoDelay(true)
    client.pause()
    client.on('error', () => {})
    client.on('close', () => this.#onClientClose())
    this.#dispatch()
  }

  closeGracefully(): void {
    // A byte stream has no message boundary to stop at: it runs until a side closes it.
  }

  retire(): void {}

  idle(): boolean {
    return false
  }

  #dispatch(): void {
    if (this.#closed) return
    const rs = this.#route
    const i = pickWeighted(rs, this.#ctx.policy, this.#tried)
    if (i < 0) {
      if (this.#tried.length > 0) {
        rs.stats.failed()
        this.#client.destroy()
        return
      }
      rs.waiters.add(this)
      this.#waitTimer = this.#ctx.setTimer(() => {
        this.#waitTimer = null
        rs.waiters.delete(this)
        this.#ctx.anomalies.noEndpointTimeouts++
        rs.stats.failed()
        this.#client.destroy()
      }, this.#ctx.timeouts.endpointWaitMs)
      return
    }
    const ep = rs.endpoints[i]!
    this.#ep = ep
    ep.inflight++
    ep.pod.inflight++
    const timeout = this.#ctx.timeouts.connectTimeoutMs
    const up = net.connect({ host: ep.backend.host, port: ep.backend.port, noDelay: true })
    this.#up = up
    let connected = false
    up.setTimeout(timeout)
    up.on('timeout', () => {
      if (!connected) up.destroy(new Error(`connect timeout after ${timeout} ms`))
    })
    up.on('error', () => {})
    up.on('connect', () => {
      connected = true
      up.setTimeout(0)
      const us = Math.round((this.#ctx.hrNow() - this.#started) * 1000)
      rs.stats.opened(us)
      ep.revisionStats.opened(us)
      ep.pod.stats.opened(us)
      this.#client.pipe(up)
      up.pipe(this.#client)
      this.#client.resume()
    })
    up.on('close', () => {
      this.#up = null
      if (!connected && !this.#closed) {
        ep.pod.stats.connectionFailed()
        ep.revisionStats.connectionFailed()
        this.#tried.push(ep)
        this.#release()
        this.#ctx.anomalies.retries++
        this.#dispatch()
        return
      }
      this.#client.end()
      this.#release()
    })
  }

  endpointsAvailable(): void {
    if (this.#closed || this.#ep !== null) return
    this.#cancelWait()
    this.#dispatch()
  }

  #cancelWait(): void {
    this.#waitTimer?.cancel()
    this.#waitTimer = null
    this.#route.waiters.delete(this)
  }

  #onClientClose(): void {
    this.#closed = true
    this.#cancelWait()
    this.#up?.destroy()
    this.#release()
  }

  #release(): void {
    const ep = this.#ep
    if (ep) {
      this.#ep = null
      this.#ctx.endpointDone(ep)
    }
  }
}
