/**
 * @module
 * Finds where a chunked body ends without buffering it: the proxy forwards the bytes as
 * they come and only needs to know which byte is the last one of this message (the next
 * may already belong to a pipelined request or a reused connection's next response).
 * Optionally hands out the chunk data alone, to re-frame a chunked answer for an HTTP/1.0
 * client.
 */

const S = {
  SIZE: 0,
  EXT: 1,
  SIZE_LF: 2,
  DATA: 3,
  DATA_CR: 4,
  DATA_LF: 5,
  TRAILER_START: 6,
  TRAILER: 7,
  TRAILER_LF: 8,
  END_LF: 9,
} as const

export class ChunkedFramingError extends Error {}

export class ChunkedScanner {
  #state: number = S.SIZE
  #size = 0
  #digits = 0
  #remaining = 0

  /**
   * Scans buf[start, end). Returns the index just past the body's last byte, or -1 when the
   * body continues beyond `end`. `onData` receives chunk payload slices. Throws
   * ChunkedFramingError on a malformed body.
   */
  scan(buf: Uint8Array, start: number, end: number, onData?: (from: number, to: number) => void): number {
    let i = start
    while (i < end) {
      const state = this.#state
      if (state === S.DATA) {
        const take = Math.min(this.#remaining, end - i)
        if (onData) onData(i, i + take)
        this.#remaining -= take
        i += take
        if (this.#remaining === 0) this.#state = S.DATA_CR
        continue
      }
      const c = buf[i++]!
      switch (state) {
        case S.SIZE: {
          const d = hexValue(c)
          if (d >= 0) {
            if (++this.#digits > 12) throw new ChunkedFramingError('chunk size too large')
            this.#size = this.#size * 16 + d
          } else if (this.#digits === 0) throw new ChunkedFramingError('missing chunk size')
          else if (c === 0x3b || c === 0x20 || c === 0x09) this.#state = S.EXT
          else if (c === 0x0d) this.#state = S.SIZE_LF
          else throw new ChunkedFramingError('invalid chunk size')
          break
        }
        case S.EXT:
          if (c === 0x0d) this.#state = S.SIZE_LF
          else if (c === 0x0a) throw new ChunkedFramingError('bare LF in chunk extension')
          break
        case S.SIZE_LF:
          if (c !== 0x0a) throw new ChunkedFramingError('chunk size line not ended by CRLF')
          if (this.#size === 0) this.#state = S.TRAILER_START
          else {
            this.#remaining = this.#size
            this.#state = S.DATA
          }
          this.#size = 0
          this.#digits = 0
          break
        case S.DATA_CR:
          if (c !== 0x0d) throw new ChunkedFramingError('chunk data not followed by CRLF')
          this.#state = S.DATA_LF
          break
        case S.DATA_LF:
          if (c !== 0x0a) throw new ChunkedFramingError('chunk data not followed by CRLF')
          this.#state = S.SIZE
          break
        case S.TRAILER_START:
          if (c === 0x0d) this.#state = S.END_LF
          else this.#state = S.TRAILER
          break
        case S.TRAILER:
          if (c === 0x0d) this.#state = S.TRAILER_LF
          break
        case S.TRAILER_LF:
          if (c !== 0x0a) throw new ChunkedFramingError('trailer line not ended by CRLF')
          this.#state = S.TRAILER_START
          break
        case S.END_LF:
          if (c !== 0x0a) throw new ChunkedFramingError('chunked body not ended by CRLF')
          this.#state = S.SIZE
          return i
      }
    }
    return -1
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}
