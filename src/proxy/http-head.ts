/**
 * @module
 * HTTP/1.1 message heads as the proxy needs them: framing (how long is the body), the
 * connection semantics (keep-alive, upgrade) and the header lines to forward. Pure string
 * work on the head decoded as latin1 (one byte per char, so nothing is lost).
 *
 * Why not node:http: a proxy on node:http's server and client measured 8 k req/s on this
 * project's 2-core machine against 40+ k for the app alone; the head parsing below plus raw
 * sockets is what lets the data plane keep up (bench/proxy.ts). It is strict on purpose:
 * anything ambiguous that could desynchronise the proxy and a replica (request smuggling)
 * is refused: both Content-Length and Transfer-Encoding, differing Content-Lengths, a
 * transfer coding other than chunked, folded lines, bare CR or LF, missing Host on 1.1.
 */

export type BodyFraming = 'none' | 'length' | 'chunked' | 'close'

export interface RequestHead {
  method: string
  target: string
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number
  /** Header lines to forward, each ending in CRLF: hop-by-hop and X-Forwarded-* removed. */
  lines: string
  host: string
  forwardedFor: string
  body: 'none' | 'length' | 'chunked'
  contentLength: number
  keepAlive: boolean
  /** The Upgrade header's value when the client asked to switch protocols. */
  upgrade: string
}

export interface ResponseHead {
  status: number
  /** Status line and the header lines to forward, each ending in CRLF (no blank line). */
  head: string
  body: BodyFraming
  contentLength: number
  /** The replica will keep the connection open after this response. */
  keepAlive: boolean
}

export class HeadError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\x00-\x20\x7f]+) HTTP\/1\.([01])$/
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\x00-\x08\x0a-\x1f\x7f]*)?$/
const DIGITS = /^\d{1,15}$/

interface HeaderScan {
  lines: string
  contentLength: number
  chunked: boolean
  otherCoding: boolean
  connClose: boolean
  connKeepAlive: boolean
  connUpgrade: boolean
  upgrade: string
  host: string
  hosts: number
  forwardedFor: string
}

/**
 * Walks the header lines of `head` (which starts after the first line at `pos`), keeping
 * the ones to forward. Throws HeadError(400) on any malformed line.
 */
function scanHeaders(head: string, pos: number, keepUpgrade: boolean): HeaderScan {
  const s: HeaderScan = {
    lines: '',
    contentLength: -1,
    chunked: false,
    otherCoding: false,
    connClose: false,
    connKeepAlive: false,
    connUpgrade: false,
    upgrade: '',
    host: '',
    hosts: 0,
    forwardedFor: '',
  }
  let extraHop: string[] | undefined
  const n = head.length
  while (pos < n) {
    let end = head.indexOf('\r\n', pos)
    if (end < 0) end = n
    const colon = head.indexOf(':', pos)
    if (colon < 0 || colon > end) throw new HeadError(400, 'header line without a colon')
    const rawName = head.slice(pos, colon)
    if (!TOKEN.test(rawName)) throw new HeadError(400, 'invalid header name')
    const value = head.slice(colon + 1, end).trim()
    if (BAD_VALUE.test(value)) throw new HeadError(400, 'invalid character in a header value')
    const line = end < n ? head.slice(pos, end + 2) : `${head.slice(pos)}\r\n`
    pos = end + 2
    const name = rawName.toLowerCase()
    switch (name) {
      case 'content-length': {
        if (!DIGITS.test(value)) throw new HeadError(400, 'invalid Content-Length')
        const v = Number(value)
        if (s.contentLength >= 0 && s.contentLength !== v)
          throw new HeadError(400, 'conflicting Content-Length headers')
        if (s.contentLength < 0) s.lines += line
        s.contentLength = v
        continue
      }
      case 'transfer-encoding': {
        const codings = value
          .toLowerCase()
          .split(',')
          .map((c) => c.trim())
        if (codings[codings.length - 1] === 'chunked') s.chunked = true
        if (codings.some((c) => c !== 'chunked')) s.otherCoding = true
        break
      }
      case 'connection':
        for (const t of value.toLowerCase().split(',')) {
          const tok = t.trim()
          if (tok === 'close') s.connClose = true
          else if (tok === 'keep-alive') s.connKeepAlive = true
          else if (tok === 'upgrade') s.connUpgrade = true
          else if (tok) (extraHop ??= []).push(tok)
        }
        continue
      case 'upgrade':
        s.upgrade = value
        if (keepUpgrade) break
        continue
      case 'keep-alive':
      case 'proxy-connection':
      case 'te':
        continue
      case 'host':
        s.host = value
        s.hosts++
        break
      case 'x-forwarded-for':
        s.forwardedFor = s.forwardedFor ? `${s.forwardedFor}, ${value}` : value
        continue
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue
    }
    s.lines += line
  }
  if (extraHop) s.lines = dropNamed(s.lines, extraHop)
  return s
}

/** Removes header lines whose names a Connection header listed as hop-by-hop. */
function dropNamed(lines: string, names: string[]): string {
  return lines
    .split('\r\n')
    .filter((l) => l && !names.includes(l.slice(0, l.indexOf(':')).toLowerCase()))
    .map((l) => `${l}\r\n`)
    .join('')
}

/** Parses a request head: from the request line up to (not including) the blank line. */
export function parseRequestHead(head: string): RequestHead {
  const eol = head.indexOf('\r\n')
  const m = REQUEST_LINE.exec(eol < 0 ? head : head.slice(0, eol))
  if (!m) throw new HeadError(400, 'malformed request line')
  const s = scanHeaders(head, eol < 0 ? head.length : eol + 2, true)
  const minor = m[3] === '1' ? 1 : 0
  if (s.chunked || s.otherCoding) {
    if (s.contentLength >= 0) throw new HeadError(400, 'both Content-Length and Transfer-Encoding')
    if (s.otherCoding) throw new HeadError(501, 'a transfer coding other than chunked')
  }
  if (s.hosts > 1) throw new HeadError(400, 'more than one Host header')
  if (minor === 1 && s.hosts === 0) throw new HeadError(400, 'HTTP/1.1 request without Host')
  const upgrade = s.connUpgrade && s.upgrade ? s.upgrade : ''
  return {
    method: m[1]!,
    target: m[2]!,
    minor,
    lines: upgrade ? `${s.lines}Connection: upgrade\r\n` : s.lines,
    host: s.host,
    forwardedFor: s.forwardedFor,
    body: s.chunked ? 'chunked' : s.contentLength > 0 ? 'length' : 'none',
    contentLength: Math.max(s.contentLength, 0),
    keepAlive: minor === 1 ? !s.connClose : s.connKeepAlive && !s.connClose,
    upgrade,
  }
}

/**
 * Parses a response head. `headRequest`: the request was HEAD, so no body follows whatever
 * the headers say. Throws HeadError(502) when the replica sent something that is not HTTP.
 */
export function parseResponseHead(head: string, headRequest: boolean): ResponseHead {
  const eol = head.indexOf('\r\n')
  const m = STATUS_LINE.exec(eol < 0 ? head : head.slice(0, eol))
  if (!m) throw new HeadError(502, 'malformed status line from the replica')
  let s: HeaderScan
  try {
    s = scanHeaders(head, eol < 0 ? head.length : eol + 2, false)
  } catch (err) {
    throw new HeadError(502, `malformed response from the replica: ${(err as Error).message}`)
  }
  const status = Number(m[2])
  const minor = m[1] === '1' ? 1 : 0
  const statusLine = eol < 0 ? `${head}\r\n` : head.slice(0, eol + 2)
  let body: BodyFraming
  if (status < 200 || status === 204 || status === 304 || headRequest) body = 'none'
  else if (s.chunked || s.otherCoding) {
    if (s.contentLength >= 0) throw new HeadError(502, 'replica sent both Content-Length and Transfer-Encoding')
    body = s.chunked && !s.otherCoding ? 'chunked' : 'close'
  } else if (s.contentLength >= 0) body = s.contentLength === 0 ? 'none' : 'length'
  else body = 'close'
  if (status === 101) s.lines += `Connection: upgrade\r\nUpgrade: ${s.upgrade}\r\n`
  return {
    status,
    head: statusLine + s.lines,
    body,
    contentLength: Math.max(s.contentLength, 0),
    keepAlive: body !== 'close' && (minor === 1 ? !s.connClose : s.connKeepAlive && !s.connClose),
  }
}
