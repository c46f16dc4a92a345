/**
 * @module
 * The CLI's transport: `fetch`, except for a request whose body is a stream (`baton push`),
 * which goes through `node:http`/`node:https` with `pipeline`: the next chunk is read only when
 * the socket has taken the last one, so memory stays at a few buffers. Through Node's `fetch`
 * (undici, which turns the body into a web stream of its own) a 200 MiB push peaked at over
 * 300 MB of client RSS (docs/benchmarks.md, "Push memory").
 *
 * The answer is handed back as a `Response`, and a failure to connect as `fetch` reports one
 * (a TypeError "fetch failed" whose `cause` carries the socket's or TLS's code), so the shared
 * client (client/api-client.ts) maps both exactly as it does for every other request. TLS
 * trusts what `fetch` trusts: the process's default CA list (tls-trust.ts adds the daemon's).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { Transport } from '../client/api-client.ts'

export function cliTransport(fallback: Transport = (url, init) => fetch(url, init)): Transport {
  return (url, init) => (isStream(init.body) ? streamUpload(url, init, init.body) : fallback(url, init))
}

function isStream(body: unknown): body is ReadableStream<Uint8Array> | Readable {
  return body instanceof ReadableStream || body instanceof Readable
}

function headersOf(init: RequestInit): Record<string, string> {
  const out: Record<string, string> = {}
  new Headers(init.headers).forEach((v, k) => {
    out[k] = v
  })
  return out
}

function asResponse(res: IncomingMessage): Response {
  const headers = new Headers()
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const one of v) headers.append(k, one)
    else if (v !== undefined) headers.set(k, v)
  }
  const status = res.statusCode ?? 502
  // A Response refuses a body for these statuses.
  const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>)
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers })
}

/** The request with `body` piped into it; resolves when the server answers (it may answer before reading it all). */
export function streamUpload(
  url: string,
  init: RequestInit,
  body: ReadableStream<Uint8Array> | Readable,
): Promise<Response> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  const source = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>)
  return new Promise<Response>((resolve, reject) => {
    let answered = false
    let sourceError: unknown
    source.once('error', (err) => (sourceError = err))
    const req = send(target, {
      method: init.method ?? 'POST',
      headers: headersOf(init),
      ...(init.signal ? { signal: init.signal } : {}),
    })
    req.on('response', (res) => {
      answered = true
      resolve(asResponse(res))
    })
    // The server may answer (an error) before it has read everything: its answer wins.
    const fail = (err: unknown) => {
      if (answered) return
      if (err === sourceError || (err as Error)?.name === 'AbortError') reject(err)
      // The socket's or TLS's failure reads as fetch's, so the shared client names it the same way.
      else reject(new TypeError('fetch failed', { cause: err }))
    }
    req.on('error', fail)
    pipeline(source, req).catch(fail)
  })
}
