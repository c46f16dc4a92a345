/**
 * @module
 * Listening sockets, one per route (listen address). Opening is async and may fail (the
 * port is taken): the failure is kept on the route and retried at the next table push.
 * Closing stops accepting at once but drops nothing: idle keep-alive clients are closed,
 * busy ones after their current answer, tunnels and TCP streams when a side closes them.
 *
 * Every listening socket is bound with SO_REUSEPORT (Node's `reusePort`, Linux): each worker
 * process of the proxy binds the address itself and the kernel spreads new connections over
 * them, so no process accepts for another (a stopped one cannot hold up the rest), and a
 * replacement proxy binds while the old one still serves, which is what makes a restart
 * refuse nothing.
 */
import net from 'node:net'
import { HttpConnection, type PlaneContext } from './http-proxy.ts'
import type { RouteState } from './route-state.ts'
import { TcpConnection } from './tcp-proxy.ts'
import type { ProxyMode } from './types.ts'

interface ClientConnection {
  closeGracefully(): void
  retire(): void
  idle(): boolean
}

export class Listener {
  readonly mode: ProxyMode
  readonly route: RouteState
  readonly #server: net.Server
  readonly #conns = new Map<ClientConnection, net.Socket>()
  listening = false

  constructor(route: RouteState, ctx: PlaneContext) {
    this.route = route
    this.mode = route.route.mode
    this.#server = net.createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
      const c = this.mode === 'tcp' ? new TcpConnection(sock, route, ctx) : new HttpConnection(sock, route, ctx)
      this.#conns.set(c, sock)
      sock.on('close', () => this.#conns.delete(c))
    })
  }

  /** Set while binding. */
  opening: Promise<void> | undefined
  #abort: ((err: Error) => void) | undefined

  /** Binds the route's listen address; rejects with the bind error (EADDRINUSE, EACCES...). */
  open(): Promise<void> {
    const { host, port } = this.route.route.listen
    this.opening = new Promise<void>((resolve, reject) => {
      // A route removed while its port is still being bound must not leave a push waiting.
      this.#abort = reject
      const onError = (err: Error) => reject(err)
      this.#server.once('error', onError)
      this.#server.listen({ host, port, reusePort: true }, () => {
        this.#server.off('error', onError)
        this.#server.on('error', () => {})
        this.listening = true
        resolve()
      })
    }).finally(() => {
      this.opening = undefined
      this.#abort = undefined
    })
    return this.opening
  }

  close(): void {
    this.listening = false
    this.#abort?.(new Error('route removed while its address was being opened'))
    this.#server.close()
    for (const c of this.#conns.keys()) c.closeGracefully()
  }

  /**
   * Stops accepting; every connection ends after its next answer (`Connection: close`).
   * Idle ones are left to `closeIdle`, later: a client may be sending on one right now.
   */
  retire(): void {
    this.listening = false
    this.#abort?.(new Error('the proxy is handing over to its replacement'))
    this.#server.close()
    for (const c of this.#conns.keys()) c.retire()
  }

  closeIdle(): void {
    for (const [c, sock] of this.#conns) if (c.idle()) sock.end()
  }

  get connections(): number {
    return this.#conns.size
  }

  /** Ends every client connection at once (proxy shutdown). */
  destroyAll(): void {
    this.close()
    for (const sock of this.#conns.values()) sock.destroy()
  }
}
