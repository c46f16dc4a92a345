import { describe, expect, it } from 'vitest'
import { demuxFrames } from './container-logs.ts'

const frame = (stream: number, text: string) => {
  const body = Buffer.from(text)
  const head = Buffer.alloc(8)
  head[0] = stream
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

describe('demuxFrames', () => {
  it.each([
    ['one stdout frame', [frame(1, 'a\n')], ['a\n'], 0],
    ['stdout and stderr frames in order', [frame(1, 'out\n'), frame(2, 'err\n')], ['out\n', 'err\n'], 0],
    [
      'an unfinished frame is kept for the next chunk',
      [frame(1, 'a\n'), frame(1, 'bcdef').subarray(0, 10)],
      ['a\n'],
      10,
    ],
    ['a header cut short', [frame(1, 'x').subarray(0, 5)], [], 5],
  ])('%s', (_name, parts, payloads, rest) => {
    const r = demuxFrames(Buffer.concat(parts))
    expect(r.payloads.map((p) => p.toString())).toEqual(payloads)
    expect(r.rest.length).toBe(rest)
  })
})
