/**
 * @module
 * Turning the bytes a client sent into the next request to forward (pure): where its head
 * ends, how much of its body already arrived, and the head the replica will get (HTTP/1.1,
 * hop-by-hop headers dropped, X-Forwarded-* set). What follows the body in the buffer is a
 * pipelined request and stays for later.
 */
import { ChunkedFramingError, ChunkedScanner } from './chunked-scanner.ts'
import { HeadError, parseRequestHead, type RequestHead } from './http-head.ts'

const CRLFCRLF = Buffer.from('\r\n\r\n')

export type ReadResult =
  | { kind: 'incomplete' }
  | { kind: 'refused'; status: number; message: string; oversized: boolean }
  | ReadRequest

export interface ReadRequest {
  kind: 'request'
  req: RequestHead
  /** The head to send to the replica, blank line included. */
  upstreamHead: string
  /** Body bytes that came with the head (kept while the request may be replayed). */
  firstBody: Buffer | null
  /** Bytes after this request's body (a pipelined request), or null. */
  rest: Buffer | null
  bodyComplete: boolean
  /** Content-Length bytes still to come. */
  bodyRemaining: number
  /** For a chunked body: the scanner, positioned after `firstBody`. */
  scanner: ChunkedScanner | null
}

export interface Peer {
  clientAddr: string
  /** host:port the client connected to: the Host for a Host-less HTTP/1.0 request. */
  listenAddr: string
}

export function readRequest(buf: Buffer, maxHeadBytes: number, peer: Peer): ReadResult {
  // RFC 9112 2.2: ignore empty lines before a request line.
  let skip = 0
  while (skip + 1 < buf.length && buf[skip] === 0x0d && buf[skip + 1] === 0x0a) skip += 2
  const idx = buf.indexOf(CRLFCRLF, skip)
  if ((idx < 0 ? buf.length : idx) - skip > maxHeadBytes) {
    return {
      kind: 'refused',
      status: 431,
      message: 'The request head is larger than this proxy accepts.',
      oversized: true,
    }
  }
  if (idx < 0) return { kind: 'incomplete' }
  let req: RequestHead
  try {
    req = parseRequestHead(buf.toString('latin1', skip, idx + 2))
  } catch (err) {
    if (!(err instanceof HeadError)) throw err
    return { kind: 'refused', status: err.status, message: `Malformed request: ${err.message}.`, oversized: false }
  }
  const headEnd = idx + 4
  let bodyEnd = headEnd
  let bodyComplete = true
  let bodyRemaining = 0
  let scanner: ChunkedScanner | null = null
  if (req.body === 'length') {
    const take = Math.min(req.contentLength, buf.length - headEnd)
    bodyEnd = headEnd + take
    bodyRemaining = req.contentLength - take
    bodyComplete = bodyRemaining === 0
  } else if (req.body === 'chunked') {
    scanner = new ChunkedScanner()
    let end: number
    try {
      end = scanner.scan(buf, headEnd, buf.length)
    } catch (err) {
      if (!(err instanceof ChunkedFramingError)) throw err
      return { kind: 'refused', status: 400, message: `Malformed request: ${err.message}.`, oversized: false }
    }
    bodyComplete = end >= 0
    bodyEnd = end >= 0 ? end : buf.length
  }
  const xff = req.forwardedFor ? `${req.forwardedFor}, ${peer.clientAddr}` : peer.clientAddr
  const upstreamHead =
    `${req.method} ${req.target} HTTP/1.1\r\n${req.lines}X-Forwarded-For: ${xff}\r\nX-Forwarded-Proto: http\r\n` +
    // An HTTP/1.0 request may lack Host; the replica speaks 1.1 and needs one.
    (req.host ? `X-Forwarded-Host: ${req.host}\r\n\r\n` : `Host: ${peer.listenAddr}\r\n\r\n`)
  return {
    kind: 'request',
    req,
    upstreamHead,
    firstBody: bodyEnd > headEnd ? buf.subarray(headEnd, bodyEnd) : null,
    rest: bodyEnd < buf.length ? buf.subarray(bodyEnd) : null,
    bodyComplete,
    bodyRemaining,
    scanner,
  }
}
