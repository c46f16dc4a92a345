/**
 * @module
 * One client connection of an HTTP route: reads requests one at a time (pipelined ones
 * wait in the buffer), sends each to a replica picked per request over a pooled keep-alive
 * connection, streams bodies both ways with backpressure, and tunnels upgraded connections
 * (WebSocket). Per-request balancing is what spreads one keep-alive client over every
 * replica, and what lets a rollout move traffic at once instead of connection by connection.
 *
 * Failure rules (each counted in the anomalies and in the route's figures):
 * - client sends a malformed head: 400 (431 when too large, 501 for unknown transfer
 *   codings), then close;
 * - no replica in the route: wait up to endpointWaitMs for one, then 503 with a plain text
 *   explanation;
 * - a replica refuses or times out the connection: retry on another replica (nothing was
 *   sent); a connection that fails after the request went out but before any response
 *   byte: retry only for an idempotent method whose whole body is still in memory;
 *   otherwise 502; when that connection came from the idle pool (the replica closed it
 *   while idle just as the request went out), the retry goes to the same replica on a new
 *   connection and does not count against it;
 * - a replica answers garbage: 502; says nothing for responseTimeoutMs: 504;
 * - a replica fails after part of its answer went out: the client connection is closed
 *   (the only honest signal left);
 * - the client goes away mid-request: the replica connection is dropped (never reused).
 */
import type net from 'node:net'
import type { TimerHandle } from '../platform/clock.ts'
import { pickWeighted } from './weighted-pick.ts'
import { headerRouteRevision } from './header-route.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { BalancePolicy, ProxyTimeouts } from './defaults.ts'
import { parseResponseHead, type RequestHead, type ResponseHead } from './http-head.ts'
import { localAnswer, serviceName } from './local-answer.ts'
import { readRequest, type Peer } from './request-reader.ts'
import type { EndpointState, EndpointWaiter, RouteState } from './route-state.ts'
import type { Anomalies } from './types.ts'
import { UpstreamConn, type UpstreamOwner } from './upstream-pool.ts'

/** What a connection needs from the data plane that owns it. */
export interface PlaneContext {
  readonly timeouts: ProxyTimeouts
  readonly policy: BalancePolicy
  readonly anomalies: Anomalies
  /** Wall-clock ms (idle bookkeeping). */
  nowMs(): number
  /** Monotonic ms with sub-ms precision (latency). */
  hrNow(): number
  setTimer(fn: () => void, ms: number): TimerHandle
  /** A request (or tunnel) on `ep` ended: the in-flight counts drop, drain waiters look. */
  endpointDone(ep: EndpointState): void
  /**
   * Hears every connection state change, when set (the data plane sets it when its logger
   * logs debug): unset, a transition costs one field write, as this is the per-request path.
   */
  readonly traceState?: (t: ConnTransition) => void
}

/**
 * Where a client connection is:
 *
 * | state      | meaning                                                                 |
 * | ---------- | ----------------------------------------------------------------------- |
 * | `head`     | reading a request head (idle between keep-alive requests)              |
 * | `dispatch` | a request is read; choosing a replica, connecting, or waiting for one  |
 * | `body`     | the head went to a replica; the request body streams after it          |
 * | `response` | the whole request went out; the replica's answer streams back          |
 * | `tunnel`   | a 101 Switching Protocols: bytes pass both ways until either side ends |
 * | `closed`   | the client connection is gone or being closed                          |
 */
export type ConnState = 'head' | 'dispatch' | 'body' | 'response' | 'tunnel' | 'closed'

/** One change of a connection's state, as traced: `{state, was, why}` and whose connection. */
export interface ConnTransition {
  state: ConnState
  was: ConnState
  why: string
  client: string
  listen: string
}

const CRLFCRLF = Buffer.from('\r\n\r\n')
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])
/** Below this, head and body go out as one latin1 string: one write, no writev. */
const SMALL_BODY = 2048

export class HttpConnection implements UpstreamOwner, EndpointWaiter {
  readonly #sock: net.Socket
  readonly #route: RouteState
  readonly #ctx: PlaneContext
  readonly #peer: Peer
  #state: ConnState = 'head'
  #buf: Buffer | null = null
  /** The listener is closing, or the exchange left the connection in an unknown state. */
  #closeAfter = false

  // The current exchange
  #req: RequestHead | null = null
  #upHead = ''
  #firstBody: Buffer | null = null
  #bodyComplete = true
  #bodyRemaining = 0
  #reqScanner: ChunkedScanner | null = null
  #started = 0
  #ep: EndpointState | null = null
  #tried: EndpointState[] = []
  /** The replica to try again on a new connection after a stale pooled one failed. */
  #fresh: EndpointState | null = null
  #up: UpstreamConn | null = null
  #waitTimer: TimerHandle | null = null
  #resBuf: Buffer | null = null
  #res: ResponseHead | null = null
  #resRemaining = 0
  #resScanner: ChunkedScanner | null = null
  #dechunk = false
  #resStarted = false

  constructor(sock: net.Socket, route: RouteState, ctx: PlaneContext) {
    this.#sock = sock
    this.#route = route
    this.#ctx = ctx
    const l = route.route.listen
    this.#peer = { clientAddr: sock.remoteAddress ?? '', listenAddr: `${l.host}:${l.port}` }
    sock.setNoDelay(true)
    sock.setTimeout(ctx.timeouts.clientIdleTimeoutMs)
    sock.on('data', (chunk: Buffer) => this.#onClientData(chunk))
    sock.on('drain', () => {
      if (this.#up && (this.#state === 'response' || this.#state === 'body' || this.#state === 'tunnel'))
        this.#up.socket.resume()
    })
    sock.on('timeout', () => this.#onClientTimeout())
    sock.on('error', () => {})
    sock.on('end', () => {
      // Like nginx, a client that closes its side while a request is in flight has given
      // up on it (a half-closing HTTP client is rare; a gone one is not): abort the exchange.
      // In a tunnel the half-close is the protocol's business: pass it on.
      if (this.#state === 'tunnel') this.#up?.socket.end()
      else if (this.#state === 'head') sock.end()
      else sock.destroy()
    })
    sock.on('close', () => this.#onClientClose())
  }

  /** The one place the state changes. */
  #to(state: ConnState, why: string): void {
    const was = this.#state
    this.#state = state
    this.#ctx.traceState?.({ state, was, why, client: this.#peer.clientAddr, listen: this.#peer.listenAddr })
  }

  /** The listener is going away: close now if idle, else after the current answer. */
  closeGracefully(): void {
    if (this.idle()) this.#sock.end()
    else this.#closeAfter = true
  }

  /**
   * The process is handing over to another one: the next answer says `Connection: close`
   * and the connection ends after it. An idle connection is left open, since a client may be
   * writing its next request at this very moment; the caller closes it later if it stays idle.
   */
  retire(): void {
    this.#closeAfter = true
  }

  /** Between requests, with nothing buffered. */
  idle(): boolean {
    return this.#state === 'head' && this.#buf === null
  }

  // ---------------------------------------------------------------------------
  // Client side

  #onClientData(chunk: Buffer): void {
    switch (this.#state) {
      case 'tunnel':
        if (this.#up && !this.#up.socket.write(chunk)) this.#sock.pause()
        return
      case 'body':
        this.#forwardBody(chunk)
        return
      case 'closed':
        return
    }
    this.#buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk])
    if (this.#state === 'head') this.#readHead()
    else if (this.#buf.length > this.#ctx.timeouts.maxHeadBytes) this.#sock.pause() // pipelined flood
  }

  #readHead(): void {
    const r = readRequest(this.#buf!, this.#ctx.timeouts.maxHeadBytes, this.#peer)
    if (r.kind === 'incomplete') return
    if (r.kind === 'refused') {
      if (r.oversized) this.#ctx.anomalies.oversizedHeads++
      else this.#ctx.anomalies.malformedRequests++
      this.#localAnswer(r.status, `${r.message}\n`, true)
      return
    }
    this.#req = r.req
    this.#started = this.#ctx.hrNow()
    this.#to('dispatch', 'request head read')
    this.#upHead = r.upstreamHead
    this.#firstBody = r.firstBody
    this.#buf = r.rest
    this.#bodyComplete = r.bodyComplete
    this.#bodyRemaining = r.bodyRemaining
    this.#reqScanner = r.scanner
    this.#dispatch()
  }

  #onClientTimeout(): void {
    if (this.#state === 'head') {
      if (this.#buf !== null) {
        this.#ctx.anomalies.clientTimeouts++
        this.#localAnswer(408, 'The request head did not arrive in time.\n', true)
      } else this.#sock.end()
    }
    // With a request in flight the replica's own timeout applies; tunnels may idle.
  }

  #onClientClose(): void {
    const state = this.#state
    if (state !== 'closed') this.#to('closed', 'client connection closed')
    if (state === 'head' || state === 'closed') return
    if (state !== 'tunnel') this.#ctx.anomalies.clientAborts++
    this.#cancelWait()
    this.#dropUpstream()
    this.#releaseEndpoint()
  }

  // ---------------------------------------------------------------------------
  // Picking a replica

  #dispatch(): void {
    if (this.#state === 'closed') return
    const rs = this.#route
    // After a stale pooled connection, the same replica again on a fresh connection (if it
    // is still routed): the replica did nothing wrong, and it may be the only one.
    const again = this.#fresh
    this.#fresh = null
    if (again?.routed) {
      this.#connect(again, false)
      return
    }
    const headerRoutes = rs.route.headerRoutes
    const revision = headerRoutes && this.#req ? headerRouteRevision(headerRoutes, this.#req.lines) : undefined
    const i = pickWeighted(rs, this.#ctx.policy, this.#tried, revision)
    if (i < 0) {
      if (this.#tried.length > 0) {
        this.#localAnswer(502, `No replica of service ${serviceName(rs)} accepted the request.\n`, !this.#bodyComplete)
        return
      }
      this.#waitForEndpoint()
      return
    }
    this.#connect(rs.endpoints[i]!, true)
  }

  #connect(ep: EndpointState, pooled: boolean): void {
    this.#ep = ep
    ep.inflight++
    ep.pod.inflight++
    const conn = pooled ? ep.pool.take(this) : undefined
    if (conn) this.#send(conn)
    else new UpstreamConn(ep.pool, this, this.#ctx.timeouts.connectTimeoutMs, this.#ctx.timeouts.responseTimeoutMs)
  }

  #waitForEndpoint(): void {
    const rs = this.#route
    rs.waiters.add(this)
    this.#waitTimer = this.#ctx.setTimer(() => {
      this.#waitTimer = null
      rs.waiters.delete(this)
      this.#ctx.anomalies.noEndpointTimeouts++
      this.#localAnswer(
        503,
        `Service ${serviceName(rs)} has no ready replica: none became ready within ` +
          `${this.#ctx.timeouts.endpointWaitMs} ms. Check its pods (baton get pods) and their readiness probes.\n`,
        !this.#bodyComplete,
      )
    }, this.#ctx.timeouts.endpointWaitMs)
  }

  /** The route got replicas (EndpointWaiter). */
  endpointsAvailable(): void {
    if (this.#state !== 'dispatch' || this.#ep !== null) return
    this.#cancelWait()
    this.#dispatch()
  }

  #cancelWait(): void {
    if (this.#waitTimer) {
      this.#waitTimer.cancel()
      this.#waitTimer = null
    }
    this.#route.waiters.delete(this)
  }

  // ---------------------------------------------------------------------------
  // Upstream side (UpstreamOwner)

  onUpstreamConnect(conn: UpstreamConn): void {
    if (this.#state === 'closed') {
      conn.pool.release(conn, this.#ctx.nowMs())
      return
    }
    this.#send(conn)
  }

  #send(conn: UpstreamConn): void {
    this.#up = conn
    const s = conn.socket
    const body = this.#firstBody
    if (body === null) s.write(this.#upHead, 'latin1')
    else if (body.length <= SMALL_BODY) s.write(this.#upHead + body.toString('latin1'), 'latin1')
    else {
      s.cork()
      s.write(this.#upHead, 'latin1')
      s.write(body)
      s.uncork()
    }
    if (this.#bodyComplete) {
      this.#to('response', 'request sent whole')
      return
    }
    this.#to('body', 'request head sent, body streams')
    this.#firstBody = null // the rest streams: from here on the request cannot be replayed
    const more = this.#buf
    this.#buf = null
    if (more) this.#forwardBody(more)
  }

  #forwardBody(chunk: Buffer): void {
    const up = this.#up!
    let end: number
    let done: boolean
    if (this.#reqScanner) {
      let r: number
      try {
        r = this.#reqScanner.scan(chunk, 0, chunk.length)
      } catch {
        this.#ctx.anomalies.malformedRequests++
        this.#sock.destroy()
        return
      }
      done = r >= 0
      end = done ? r : chunk.length
    } else {
      end = Math.min(this.#bodyRemaining, chunk.length)
      this.#bodyRemaining -= end
      done = this.#bodyRemaining === 0
    }
    const ok = up.socket.write(end === chunk.length ? chunk : chunk.subarray(0, end))
    if (done) {
      this.#bodyComplete = true
      if (end < chunk.length) this.#buf = chunk.subarray(end)
      if (this.#state === 'body') this.#to('response', 'request body sent')
    } else if (!ok) this.#sock.pause()
  }

  onUpstreamDrain(): void {
    if (this.#state === 'body' || this.#state === 'tunnel') this.#sock.resume()
  }

  onUpstreamData(conn: UpstreamConn, chunk: Buffer): void {
    if (this.#state === 'tunnel') {
      if (!this.#sock.write(chunk)) conn.socket.pause()
      return
    }
    if (this.#res === null) {
      this.#readResponseHead(conn, chunk)
      return
    }
    this.#forwardResponse(conn, chunk, 0, '')
  }

  #readResponseHead(conn: UpstreamConn, chunk: Buffer): void {
    let buf = this.#resBuf === null ? chunk : Buffer.concat([this.#resBuf, chunk])
    for (;;) {
      const idx = buf.indexOf(CRLFCRLF)
      if (idx < 0) {
        if (buf.length > this.#ctx.timeouts.maxHeadBytes) this.#upstreamGarbage(conn, 'response head too large')
        else this.#resBuf = buf
        return
      }
      let res: ResponseHead
      try {
        res = parseResponseHead(buf.toString('latin1', 0, idx + 2), this.#req!.method === 'HEAD')
      } catch (err) {
        this.#upstreamGarbage(conn, (err as Error).message)
        return
      }
      const rest = idx + 4
      if (res.status >= 100 && res.status < 200 && res.status !== 101) {
        // Interim answer (100 Continue, 103 Early Hints): pass it on to 1.1 clients, read on.
        if (this.#req!.minor === 1) this.#sock.write(`${res.head}\r\n`, 'latin1')
        this.#resBuf = null
        if (rest >= buf.length) return
        buf = buf.subarray(rest)
        continue
      }
      this.#resBuf = null
      if (res.status === 101 && !this.#req!.upgrade) {
        this.#upstreamGarbage(conn, 'switched protocols without being asked')
        return
      }
      this.#res = res
      this.#resStarted = true
      if (res.status === 101) {
        this.#startTunnel(conn, res, buf, rest)
        return
      }
      this.#prepareResponse(res)
      this.#forwardResponse(conn, buf, rest, this.#clientHead(res))
      return
    }
  }

  #prepareResponse(res: ResponseHead): void {
    const req = this.#req!
    if (res.body === 'close' || !req.keepAlive || !this.#bodyComplete) this.#closeAfter = true
    this.#resRemaining = res.contentLength
    this.#resScanner = res.body === 'chunked' ? new ChunkedScanner() : null
    this.#dechunk = res.body === 'chunked' && req.minor === 0
    if (this.#dechunk) this.#closeAfter = true
  }

  #clientHead(res: ResponseHead): string {
    const req = this.#req!
    let head = this.#dechunk ? res.head.replace(/^transfer-encoding:.*\r\n/im, '') : res.head
    if (this.#closeAfter) head += 'Connection: close\r\n'
    else if (req.minor === 0) head += 'Connection: keep-alive\r\n'
    return `${head}\r\n`
  }

  /**
   * Writes the response bytes chunk[start..] (after `head`, if any) to the client, up to the
   * end of the message; finishes the exchange at the end.
   */
  #forwardResponse(conn: UpstreamConn, chunk: Buffer, start: number, head: string): void {
    const res = this.#res!
    let end = chunk.length
    let complete = false
    let out: Buffer | null = null
    switch (res.body) {
      case 'none':
        end = start
        complete = true
        break
      case 'length': {
        end = Math.min(chunk.length, start + this.#resRemaining)
        this.#resRemaining -= end - start
        complete = this.#resRemaining === 0
        break
      }
      case 'chunked': {
        let r: number
        // Only an HTTP/1.0 client needs the chunk data alone; everyone else gets the bytes as sent.
        const parts: Buffer[] | undefined = this.#dechunk ? [] : undefined
        try {
          r = this.#resScanner!.scan(
            chunk,
            start,
            chunk.length,
            parts ? (a, b) => parts.push(chunk.subarray(a, b)) : undefined,
          )
        } catch (err) {
          this.#upstreamGarbage(conn, (err as Error).message)
          return
        }
        complete = r >= 0
        end = complete ? r : chunk.length
        if (parts) out = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
        break
      }
      case 'close':
        break
    }
    const s = this.#sock
    let ok: boolean
    const body = out ?? (end > start ? chunk.subarray(start, end) : null)
    if (head === '') ok = body === null ? true : s.write(body)
    else if (body === null) ok = s.write(head, 'latin1')
    else if (body.length <= SMALL_BODY) ok = s.write(head + body.toString('latin1'), 'latin1')
    else {
      s.cork()
      s.write(head, 'latin1')
      ok = s.write(body)
      s.uncork()
    }
    if (complete) {
      // Bytes after the end of the answer were never asked for: that connection is out of step.
      this.#finish(end === chunk.length && res.keepAlive)
    } else if (!ok) conn.socket.pause()
  }

  #startTunnel(conn: UpstreamConn, res: ResponseHead, buf: Buffer, rest: number): void {
    this.#to('tunnel', '101 Switching Protocols')
    this.#record(101)
    const s = this.#sock
    s.setTimeout(0)
    conn.socket.setTimeout(0)
    s.write(`${res.head}\r\n`, 'latin1')
    if (rest < buf.length) s.write(buf.subarray(rest))
    const pending = this.#buf
    this.#buf = null
    if (pending) conn.socket.write(pending)
    if (s.isPaused()) s.resume()
  }

  onUpstreamTimeout(conn: UpstreamConn): void {
    this.#ctx.anomalies.upstreamTimeouts++
    if (!this.#resStarted) {
      this.#discardUpstream(conn)
      this.#ep?.pod.stats.connectionFailed()
      this.#ep?.revisionStats.connectionFailed()
      this.#localAnswer(
        504,
        `A replica of service ${serviceName(this.#route)} did not answer within ${this.#ctx.timeouts.responseTimeoutMs} ms.\n`,
        true,
      )
    } else this.#failMidResponse(conn)
  }

  onUpstreamClose(conn: UpstreamConn, err: Error | undefined, connected: boolean): void {
    if (conn !== this.#up && connected) return // an old connection of this client, already let go
    if (this.#state === 'closed') return
    if (this.#state === 'tunnel') {
      this.#up = null
      this.#sock.end()
      this.#to('closed', 'replica ended the tunnel')
      this.#releaseEndpoint()
      return
    }
    if (this.#res !== null) {
      if (this.#res.body === 'close' && !err) {
        this.#up = null
        this.#finish(false)
      } else this.#failMidResponse(conn)
      return
    }
    // No byte of an answer yet: the request may be retried on another replica.
    this.#up = null
    this.#resBuf = null
    const ep = this.#ep!
    this.#ep = null
    this.#ctx.endpointDone(ep)
    if (connected) this.#ctx.anomalies.upstreamResets++
    const replayable = this.#bodyComplete && (this.#firstBody !== null || this.#req!.body === 'none')
    const retry = !connected || (replayable && IDEMPOTENT.has(this.#req!.method))
    // A pooled connection that closes before any byte of the answer was most likely closed
    // by the replica while idle (its keep-alive timeout, its shutdown closing idle
    // connections) just as this request went out: the replica's fault only if a fresh
    // connection fails too. Like nginx (a cached connection's error costs no try) and Go's
    // Transport (retry on a new connection), the request goes again to the same replica.
    const stale = conn.reused && retry
    if (stale) this.#fresh = ep
    else {
      ep.pod.stats.connectionFailed()
      ep.revisionStats.connectionFailed()
      this.#tried.push(ep)
    }
    if (retry && this.#state !== 'body') {
      this.#ctx.anomalies.retries++
      this.#to('dispatch', 'retrying on another connection')
      this.#dispatch()
      return
    }
    this.#localAnswer(
      502,
      `A replica of service ${serviceName(this.#route)} closed the connection before answering` +
        (err ? ` (${err.message})` : '') +
        '; the request was not retried because it may have been processed.\n',
      true,
      // The 502 is this proxy's words for the replica's failure: counted against that replica.
      ep,
    )
  }

  #upstreamGarbage(conn: UpstreamConn, why: string): void {
    this.#ctx.anomalies.upstreamMalformed++
    this.#ep?.pod.stats.connectionFailed()
    this.#ep?.revisionStats.connectionFailed()
    if (this.#res !== null) {
      this.#failMidResponse(conn)
      return
    }
    this.#discardUpstream(conn)
    this.#localAnswer(502, `A replica of service ${serviceName(this.#route)} sent an invalid answer: ${why}.\n`, true)
  }

  #failMidResponse(conn: UpstreamConn): void {
    this.#discardUpstream(conn)
    const ep = this.#ep
    this.#route.stats.failed()
    ep?.revisionStats.failed()
    ep?.pod.stats.failed()
    if (this.#state !== 'closed') this.#to('closed', 'replica failed mid-answer')
    this.#sock.destroy()
    this.#releaseEndpoint()
  }

  // ---------------------------------------------------------------------------
  // Ending an exchange

  #record(status: number, ep = this.#ep): void {
    const us = Math.round((this.#ctx.hrNow() - this.#started) * 1000)
    this.#route.stats.answered(status, us)
    if (ep) {
      ep.revisionStats.answered(status, us)
      ep.pod.stats.answered(status, us)
    }
  }

  /** The answer is complete. `reusable`: the replica connection is clean and may be pooled. */
  #finish(reusable: boolean): void {
    this.#record(this.#res!.status)
    const conn = this.#up
    const ep = this.#ep
    this.#up = null
    if (conn) {
      if (reusable && ep?.routed && this.#bodyComplete) conn.pool.release(conn, this.#ctx.nowMs())
      else this.#discardUpstream(conn)
    }
    this.#releaseEndpoint()
    this.#nextRequest()
  }

  /** Answers the current request (or a malformed one) from the proxy itself. */
  #localAnswer(status: number, text: string, close: boolean, against = this.#ep): void {
    if (this.#state === 'closed') return
    if (this.#req === null) this.#started = this.#ctx.hrNow()
    if (close || !this.#bodyComplete || (this.#req !== null && !this.#req.keepAlive)) this.#closeAfter = true
    this.#sock.write(localAnswer(status, text, this.#closeAfter), 'latin1')
    this.#record(status, against)
    if (this.#up) this.#discardUpstream(this.#up)
    this.#releaseEndpoint()
    this.#nextRequest()
  }

  #nextRequest(): void {
    this.#req = null
    this.#res = null
    this.#resBuf = null
    this.#resScanner = null
    this.#reqScanner = null
    this.#firstBody = null
    this.#bodyComplete = true
    this.#resStarted = false
    this.#dechunk = false
    this.#tried = []
    this.#fresh = null
    if (this.#closeAfter) {
      this.#to('closed', 'exchange done, connection not reusable or listener closing')
      this.#buf = null
      this.#sock.end()
      return
    }
    this.#to('head', 'exchange done, keep-alive')
    if (this.#sock.isPaused()) this.#sock.resume()
    if (this.#buf !== null) this.#readHead()
  }

  #releaseEndpoint(): void {
    const ep = this.#ep
    if (ep) {
      this.#ep = null
      this.#ctx.endpointDone(ep)
    }
  }

  #discardUpstream(conn: UpstreamConn): void {
    conn.owner = null
    conn.socket.destroy()
    if (this.#up === conn) this.#up = null
  }

  #dropUpstream(): void {
    if (this.#up) this.#discardUpstream(this.#up)
  }
}
