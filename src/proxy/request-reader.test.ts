import { describe, expect, it } from 'vitest'
import { readRequest, type ReadRequest } from './request-reader.ts'

const peer = { clientAddr: '127.0.0.9', listenAddr: '127.0.0.1:8000' }
const read = (s: string, max = 1024) => readRequest(Buffer.from(s, 'latin1'), max, peer)

describe('readRequest', () => {
  it.each([
    { name: 'half a head', raw: 'GET / HTTP/1.1\r\nHo', kind: 'incomplete' },
    { name: 'a head too large', raw: `GET /${'a'.repeat(2000)}`, kind: 'refused' },
    { name: 'a malformed head', raw: 'NOPE\r\n\r\n', kind: 'refused' },
    {
      name: 'a bad chunk',
      raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      kind: 'refused',
    },
    { name: 'a whole request', raw: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', kind: 'request' },
  ])('$name: $kind', ({ raw, kind }) => {
    expect(read(raw).kind).toBe(kind)
  })

  it('splits body and pipelined rest, and builds the replica head', () => {
    const r = read('\r\nPOST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /next') as ReadRequest
    expect(r.firstBody?.toString()).toBe('abc')
    expect(r.rest?.toString()).toBe('GET /next')
    expect(r.bodyComplete).toBe(true)
    expect(r.upstreamHead).toBe(
      'POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-Forwarded-For: 127.0.0.9\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: h\r\n\r\n',
    )
  })

  it('knows how much body is still to come', () => {
    const r = read('PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc') as ReadRequest
    expect(r).toMatchObject({ bodyComplete: false, bodyRemaining: 7, rest: null })
  })

  it('gives a Host-less HTTP/1.0 request the listen address as Host', () => {
    const r = read('GET / HTTP/1.0\r\n\r\n') as ReadRequest
    expect(r.upstreamHead).toMatch(/\r\nHost: 127\.0\.0\.1:8000\r\n\r\n$/)
  })
})
