import { describe, expect, it } from 'vitest'
import { HeadError, parseRequestHead, parseResponseHead } from './http-head.ts'

const req = (lines: string[]) => `${lines.join('\r\n')}\r\n`

describe('parseRequestHead', () => {
  it.each([
    { name: 'plain GET', head: req(['GET /a?b=1 HTTP/1.1', 'Host: x']), body: 'none', keepAlive: true },
    { name: 'HTTP/1.0 closes by default', head: req(['GET / HTTP/1.0']), body: 'none', keepAlive: false },
    {
      name: 'HTTP/1.0 keep-alive on request',
      head: req(['GET / HTTP/1.0', 'Connection: keep-alive']),
      body: 'none',
      keepAlive: true,
    },
    {
      name: 'Connection: close',
      head: req(['GET / HTTP/1.1', 'Host: x', 'Connection: close']),
      body: 'none',
      keepAlive: false,
    },
    {
      name: 'Content-Length body',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 5']),
      body: 'length',
      keepAlive: true,
    },
    {
      name: 'Content-Length 0',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 0']),
      body: 'none',
      keepAlive: true,
    },
    {
      name: 'chunked body',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: Chunked']),
      body: 'chunked',
      keepAlive: true,
    },
    {
      name: 'repeated equal Content-Length',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 2', 'Content-Length: 2']),
      body: 'length',
      keepAlive: true,
    },
  ])('$name', ({ head, body, keepAlive }) => {
    const r = parseRequestHead(head)
    expect(r.body).toBe(body)
    expect(r.keepAlive).toBe(keepAlive)
  })

  it('forwards end-to-end headers verbatim and strips hop-by-hop ones', () => {
    const r = parseRequestHead(
      req([
        'GET / HTTP/1.1',
        'Host: x',
        'Accept: */*',
        'Connection: keep-alive, X-Hop',
        'X-Hop: 1',
        'Keep-Alive: 5',
        'TE: trailers',
        'X-Forwarded-Proto: https',
        'X-Forwarded-For: 1.2.3.4',
      ]),
    )
    expect(r.lines).toBe('Host: x\r\nAccept: */*\r\n')
    expect(r.forwardedFor).toBe('1.2.3.4')
  })

  it('keeps the upgrade handshake', () => {
    const r = parseRequestHead(req(['GET /ws HTTP/1.1', 'Host: x', 'Connection: Upgrade', 'Upgrade: websocket']))
    expect(r.upgrade).toBe('websocket')
    expect(r.lines).toBe('Host: x\r\nUpgrade: websocket\r\nConnection: upgrade\r\n')
  })

  it.each([
    {
      name: 'lowercase method is still a token but spaces are not',
      head: req(['GE T / HTTP/1.1', 'Host: x']),
      status: 400,
    },
    { name: 'HTTP/2 request line', head: req(['GET / HTTP/2.0', 'Host: x']), status: 400 },
    { name: 'no colon', head: req(['GET / HTTP/1.1', 'Host x']), status: 400 },
    { name: 'space before colon', head: req(['GET / HTTP/1.1', 'Host : x']), status: 400 },
    { name: 'folded line', head: req(['GET / HTTP/1.1', 'Host: x', ' folded']), status: 400 },
    { name: 'two Hosts', head: req(['GET / HTTP/1.1', 'Host: x', 'Host: y']), status: 400 },
    {
      name: 'conflicting Content-Length',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 2']),
      status: 400,
    },
    { name: 'negative Content-Length', head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: -1']), status: 400 },
    {
      name: 'CL and TE',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Transfer-Encoding: chunked']),
      status: 400,
    },
    {
      name: 'gzip transfer coding',
      head: req(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip, chunked']),
      status: 501,
    },
    { name: 'NUL in a value', head: req(['GET / HTTP/1.1', 'Host: x', 'X: a\x00b']), status: 400 },
  ])('refuses $name with $status', ({ head, status }) => {
    let err: unknown
    try {
      parseRequestHead(head)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(HeadError)
    expect((err as HeadError).status).toBe(status)
  })
})

describe('parseResponseHead', () => {
  it.each([
    {
      name: 'length',
      head: req(['HTTP/1.1 200 OK', 'Content-Length: 3']),
      isHead: false,
      body: 'length',
      keepAlive: true,
    },
    {
      name: 'chunked',
      head: req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']),
      isHead: false,
      body: 'chunked',
      keepAlive: true,
    },
    { name: 'no framing: until close', head: req(['HTTP/1.1 200 OK']), isHead: false, body: 'close', keepAlive: false },
    { name: '204 has no body', head: req(['HTTP/1.1 204 No Content']), isHead: false, body: 'none', keepAlive: true },
    {
      name: '304 has no body',
      head: req(['HTTP/1.1 304 Not Modified', 'Content-Length: 10']),
      isHead: false,
      body: 'none',
      keepAlive: true,
    },
    {
      name: 'HEAD has no body',
      head: req(['HTTP/1.1 200 OK', 'Content-Length: 10']),
      isHead: true,
      body: 'none',
      keepAlive: true,
    },
    {
      name: 'replica closes',
      head: req(['HTTP/1.1 200 OK', 'Content-Length: 1', 'Connection: close']),
      isHead: false,
      body: 'length',
      keepAlive: false,
    },
    {
      name: 'HTTP/1.0 replica',
      head: req(['HTTP/1.0 200 OK', 'Content-Length: 1']),
      isHead: false,
      body: 'length',
      keepAlive: false,
    },
  ])('$name', ({ head, isHead, body, keepAlive }) => {
    const r = parseResponseHead(head, isHead)
    expect(r.body).toBe(body)
    expect(r.keepAlive).toBe(keepAlive)
  })

  it("strips the replica's own keep-alive headers", () => {
    const r = parseResponseHead(
      req([
        'HTTP/1.1 200 OK',
        'Content-Type: text/plain',
        'Connection: keep-alive',
        'Keep-Alive: timeout=5',
        'Content-Length: 3',
      ]),
      false,
    )
    expect(r.head).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n')
  })

  it.each([
    { name: 'not HTTP', head: 'SSH-2.0-OpenSSH\r\n' },
    { name: 'bad status', head: req(['HTTP/1.1 20 OK']) },
    { name: 'CL and TE', head: req(['HTTP/1.1 200 OK', 'Content-Length: 1', 'Transfer-Encoding: chunked']) },
    { name: 'bad header', head: req(['HTTP/1.1 200 OK', 'Bad Header: x']) },
  ])('reports $name as a 502', ({ head }) => {
    expect(() => parseResponseHead(head, false)).toThrow(HeadError)
  })
})
