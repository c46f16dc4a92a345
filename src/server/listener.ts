/**
 * @module
 * The API's socket: HTTPS, and on the same port plain HTTP for the dashboard in a browser on
 * this machine, which then needs no certificate warning or trust step.
 *
 * One port speaks both: the first byte a client sends tells them apart (a TLS handshake
 * starts with 0x16, an HTTP request with a method's letter), and the connection goes to the
 * HTTPS or the plain HTTP server with that byte put back. Plain HTTP is only for the
 * dashboard: it answers loopback clients only, and refuses any request that carries an
 * Authorization header (BATON_TLS_REQUIRED), so the API token never crosses it; the browser's
 * session cookie does, on loopback.
 *
 * `tls: undefined` (`baton up --insecure-http`, loopback only) serves everything over plain
 * HTTP as before, token included.
 */
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { createAdaptorServer, type HttpBindings } from '@hono/node-server'
import { BatonError } from '../errors/baton-error.ts'
import { isLoopbackAddress } from '../api/loopback.ts'

type Fetch = (req: Request, env: HttpBindings) => Response | Promise<Response>

export interface ListenOptions {
  fetch: (req: Request) => Response | Promise<Response>
  host: string
  port: number
  /** The server's certificate and key (PEM); undefined serves plain HTTP only. */
  tls?: { cert: string; key: string } | undefined
  /** How long a connection may stay silent before its first byte (default 30 s): then it is closed. */
  firstByteTimeoutMs?: number
}

export interface ApiListener {
  /** "https" unless started without TLS. */
  readonly scheme: 'https' | 'http'
  address(): AddressInfo
  /** Stops accepting and ends every open connection (watch streams too). */
  close(): Promise<void>
}

function refuse(message: string, hint: string): Response {
  const e = new BatonError('BATON_TLS_REQUIRED', message, { hint })
  return Response.json(e.toJSON(), { status: 403 })
}

/** What the plain-HTTP side of a TLS port lets through: the dashboard, from this machine. */
export function plainHttpGate(fetch: ListenOptions['fetch'], httpsOrigin: () => string): Fetch {
  return (req, env) => {
    if (!isLoopbackAddress(env.incoming.socket.remoteAddress)) {
      return refuse(
        'the Baton API answers plain HTTP only to this machine',
        `Use ${httpsOrigin()} with the CA in the daemon's kubeconfig (baton kubeconfig)`,
      )
    }
    if (req.headers.has('authorization')) {
      return refuse(
        'the API token was sent over plain HTTP; the Baton API takes it over HTTPS only',
        `Use ${httpsOrigin()} with the CA in <data-dir>/ca.crt (the baton CLI and \`baton kubeconfig\` do), ` +
          'or start the daemon with `baton up --insecure-http` for plain HTTP on loopback',
      )
    }
    return fetch(req)
  }
}

export function listenApi(opts: ListenOptions): Promise<ApiListener> {
  const { host, port } = opts
  const failed = (err: NodeJS.ErrnoException) =>
    new BatonError('BATON_INTERNAL', `the API cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
      hint:
        err.code === 'EADDRINUSE' ? 'Another daemon runs there: stop it with `baton down`, or pass --port' : undefined,
      cause: err,
    })
  const plainFetch = (req: Request) => opts.fetch(req)
  if (!opts.tls) {
    const server = createAdaptorServer({ fetch: plainFetch })
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(failed(err)))
      server.listen(port, host, () =>
        resolve({
          scheme: 'http',
          address: () => server.address() as AddressInfo,
          close: () => closeAll([server]),
        }),
      )
    })
  }

  const secure = createAdaptorServer({
    fetch: plainFetch,
    createServer: createHttpsServer,
    serverOptions: { cert: opts.tls.cert, key: opts.tls.key },
  })
  const front = createNetServer()
  const origin = () => {
    const a = front.address() as AddressInfo
    return `https://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
  }
  const plain = createAdaptorServer({ fetch: plainHttpGate(opts.fetch, origin) as never })
  // Sockets whose first byte has not come yet: neither server tracks them, so close() ends them here.
  const undecided = new Set<Socket>()
  front.on('connection', (socket) => {
    undecided.add(socket)
    socket.once('close', () => undecided.delete(socket))
    socket.on('error', () => socket.destroy())
    // Neither server's own timeouts cover a connection that never says which it is for.
    socket.setTimeout(opts.firstByteTimeoutMs ?? 30_000, () => socket.destroy())
    socket.once('data', (first: Buffer) => {
      undecided.delete(socket)
      socket.setTimeout(0)
      socket.pause()
      socket.unshift(first)
      // The server that takes it reads the byte put back: TLSSocket and the HTTP parser both
      // start from what the socket has buffered.
      ;(first[0] === 0x16 ? secure : plain).emit('connection', socket)
      process.nextTick(() => socket.resume())
    })
  })
  return new Promise((resolve, reject) => {
    front.once('error', (err: NodeJS.ErrnoException) => reject(failed(err)))
    front.listen(port, host, () =>
      resolve({
        scheme: 'https',
        address: () => front.address() as AddressInfo,
        async close() {
          for (const s of undecided) s.destroy()
          await closeAll([front, secure, plain])
        },
      }),
    )
  })
}

type Closable = {
  close(cb: () => void): unknown
  listening?: boolean
  closeAllConnections?: () => void
}

function closeAll(servers: readonly Closable[]): Promise<void> {
  return Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          // The inner servers never listened: their close() would report that, not wait.
          if (server.listening) server.close(() => resolve())
          else resolve()
          // Watch streams stay open until their clients go; the daemon does not wait for them.
          server.closeAllConnections?.()
        }),
    ),
  ).then(() => {})
}
