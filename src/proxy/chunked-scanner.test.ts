import { describe, expect, it } from 'vitest'
import { ChunkedFramingError, ChunkedScanner } from './chunked-scanner.ts'

const b = (s: string) => Buffer.from(s, 'latin1')

describe('ChunkedScanner', () => {
  it.each([
    { name: 'one chunk', body: '5\r\nhello\r\n0\r\n\r\n', data: 'hello' },
    { name: 'two chunks, hex size', body: 'a\r\n0123456789\r\n1\r\n!\r\n0\r\n\r\n', data: '0123456789!' },
    { name: 'extension and trailer', body: '3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n', data: 'abc' },
  ])('finds the end of $name and its data, whole or byte by byte', ({ body, data }) => {
    const whole = new ChunkedScanner()
    const parts: string[] = []
    const buf = b(`${body}NEXT`)
    const end = whole.scan(buf, 0, buf.length, (x, y) => parts.push(buf.toString('latin1', x, y)))
    expect(end).toBe(body.length)
    expect(parts.join('')).toBe(data)

    const bytewise = new ChunkedScanner()
    let at = -1
    for (let i = 0; i < body.length && at < 0; i++) at = bytewise.scan(buf, i, i + 1)
    expect(at).toBe(body.length)
  })

  it('says -1 while the body goes on', () => {
    expect(new ChunkedScanner().scan(b('5\r\nhel'), 0, 6)).toBe(-1)
  })

  it.each(['x\r\n', '5\r\nhelloXX', '5\nhello', '\r\n'])('rejects %j', (body) => {
    expect(() => new ChunkedScanner().scan(b(body), 0, body.length)).toThrow(ChunkedFramingError)
  })
})
