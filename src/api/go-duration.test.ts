import { describe, expect, it } from 'vitest'
import { parseDuration } from './go-duration.ts'

describe('parseDuration (Go durations)', () => {
  it.each([
    { text: '0', ms: 0 },
    { text: '30s', ms: 30_000 },
    { text: '5m', ms: 300_000 },
    { text: '1h30m', ms: 5_400_000 },
    { text: '1.5s', ms: 1500 },
    { text: '250ms', ms: 250 },
  ])('$text is $ms ms', ({ text, ms }) => expect(parseDuration(text)).toBe(ms))
  it.each(['5', '5x', 's', '1m 2s', ''])('refuses %j', (text) =>
    expect(() => parseDuration(text)).toThrow(/invalid duration/),
  )
})
