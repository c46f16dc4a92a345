/**
 * @module
 * Keep-alive connections to one replica. A request takes the most recently used idle
 * connection (LIFO keeps few connections warm and lets the rest age out) or opens a new
 * one; after a clean response it is given back. Idle connections are closed by a sweep
 * after upstreamIdleTimeoutMs (below the replicas' own keep-alive timeout, see defaults.ts),
 * at once when the replica leaves the route table (drain), and when the replica closes
 * them or sends anything unasked.
 */
import net from 'node:net'

/** What an upstream connection reports to the request that currently uses it. */
export interface UpstreamOwner {
  onUpstreamConnect(conn: UpstreamConn): void
  onUpstreamData(conn: UpstreamConn, chunk: Buffer): void
  onUpstreamDrain(conn: UpstreamConn): void
  /** The connection closed or failed; `connected` tells whether it ever connected. */
  onUpstreamClose(conn: UpstreamConn, err: Error | undefined, connected: boolean): void
  onUpstreamTimeout(conn: UpstreamConn): void
}

export class UpstreamConn {
  readonly socket: net.Socket
  readonly pool: UpstreamPool
  owner: UpstreamOwner | null
  connected = false
  idleSince = 0
  /** Handed out from the idle list (a reused connection may have been closed by the replica meanwhile). */
  reused = false
  #error: Error | undefined

  constructor(pool: UpstreamPool, owner: UpstreamOwner, connectTimeoutMs: number, responseTimeoutMs: number) {
    this.pool = pool
    this.owner = owner
    const s = net.connect({ host: pool.host, port: pool.port, noDelay: true })
    this.socket = s
    s.setTimeout(connectTimeoutMs)
    s.on('connect', () => {
      this.connected = true
      s.setTimeout(responseTimeoutMs)
      this.owner?.onUpstreamConnect(this)
    })
    s.on('data', (chunk: Buffer) => {
      if (this.owner) this.owner.onUpstreamData(this, chunk)
      else s.destroy() // bytes nobody asked for: the connection is out of step, never reuse it
    })
    s.on('drain', () => this.owner?.onUpstreamDrain(this))
    s.on('timeout', () => {
      if (!this.connected) s.destroy(new Error(`connect timeout after ${connectTimeoutMs} ms`))
      else if (this.owner) this.owner.onUpstreamTimeout(this)
      else s.destroy()
    })
    s.on('error', (err) => void (this.#error = err))
    s.on('end', () => {
      // The replica closed its side; an idle connection is dead, a busy one is finished by 'close'.
      if (!this.owner) s.destroy()
    })
    s.on('close', () => {
      this.pool.forget(this)
      const owner = this.owner
      this.owner = null
      owner?.onUpstreamClose(this, this.#error, this.connected)
    })
  }
}

export class UpstreamPool {
  readonly host: string
  readonly port: number
  readonly #idle: UpstreamConn[] = []
  readonly #maxIdle: number
  closed = false

  constructor(host: string, port: number, maxIdle: number) {
    this.host = host
    this.port = port
    this.#maxIdle = maxIdle
  }

  /** An idle connection, or undefined (the caller then opens one with `new UpstreamConn`). */
  take(owner: UpstreamOwner): UpstreamConn | undefined {
    for (;;) {
      const c = this.#idle.pop()
      if (!c) return undefined
      if (c.socket.destroyed || !c.socket.writable) continue
      c.owner = owner
      c.reused = true
      return c
    }
  }

  /** Gives a connection back after a clean response, or closes it when it cannot be kept. */
  release(c: UpstreamConn, now: number): void {
    c.owner = null
    if (this.closed || this.#idle.length >= this.#maxIdle || c.socket.destroyed) {
      c.socket.destroy()
      return
    }
    c.idleSince = now
    this.#idle.push(c)
  }

  forget(c: UpstreamConn): void {
    const i = this.#idle.indexOf(c)
    if (i >= 0) this.#idle.splice(i, 1)
  }

  /** Closes connections idle since before `cutoff` (ms). Oldest are at the front. */
  sweep(cutoff: number): void {
    while (this.#idle.length > 0 && this.#idle[0]!.idleSince < cutoff) this.#idle.shift()!.socket.destroy()
  }

  idleCount(): number {
    return this.#idle.length
  }

  /** Drain: idle connections close now, busy ones when their response is done (release). */
  close(): void {
    this.closed = true
    for (const c of this.#idle.splice(0)) c.socket.destroy()
  }
}
