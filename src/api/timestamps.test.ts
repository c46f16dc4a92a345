import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseTimestamp } from './timestamps.ts'

describe('formatTimestamp', () => {
  it('gives the right second after its table of recent seconds has been cleared, many times over', () => {
    const start = Date.parse('2026-11-21T00:00:00Z')
    for (let i = 0; i < 2000; i += 7) {
      expect(formatTimestamp(start + i * 1000 + 999)).toBe(
        new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'),
      )
    }
  })

  it('prints RFC 3339 at second precision like Kubernetes', () => {
    expect(formatTimestamp(Date.parse('2026-11-21T20:57:03.999Z'))).toBe('2026-11-21T20:57:03Z')
    expect(formatTimestamp(Date.parse('2026-11-21T20:57:04.000Z'))).toBe('2026-11-21T20:57:04Z')
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00Z')
  })
})

describe('parseTimestamp', () => {
  it.each([
    { name: 'a timestamp', ts: '2026-11-21T20:57:03Z', want: Date.parse('2026-11-21T20:57:03Z') },
    { name: 'absent: the beginning of time', ts: undefined, want: 0 },
    { name: 'unparsable: the beginning of time', ts: 'yesterday-ish', want: 0 },
  ])('$name', ({ ts, want }) => {
    expect(parseTimestamp(ts)).toBe(want)
  })

  it('answers from its cache of recent timestamps the same as Date.parse, past its bound too', () => {
    const stamps = Array.from({ length: 600 }, (_, i) => formatTimestamp(Date.UTC(2026, 0, 1) + i * 1000))
    for (const round of [1, 2]) {
      for (const ts of stamps) expect(parseTimestamp(ts), `${ts} round ${round}`).toBe(Date.parse(ts))
    }
    expect(parseTimestamp('yesterday-ish')).toBe(0)
    expect(parseTimestamp('yesterday-ish')).toBe(0)
  })
})
