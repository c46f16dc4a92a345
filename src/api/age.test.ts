import { describe, expect, it } from 'vitest'
import { humanDuration } from './age.ts'

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    { name: 'skew up to 2 s is now', ms: -1500, want: '0s' },
    { name: 'future', ms: -5000, want: '<invalid>' },
    { name: 'seconds', ms: 5_000, want: '5s' },
    { name: 'under two minutes in seconds', ms: 119_000, want: '119s' },
    { name: 'minutes and seconds', ms: 123_000, want: '2m3s' },
    { name: 'round minutes', ms: 300_000, want: '5m' },
    { name: 'ten minutes drops seconds', ms: 640_000, want: '10m' },
    { name: 'hours and minutes', ms: (3 * 60 + 4) * 60_000, want: '3h4m' },
    { name: 'eight hours drops minutes', ms: 9.5 * 3_600_000, want: '9h' },
    { name: 'days and hours', ms: (2 * 24 + 5) * 3_600_000, want: '2d5h' },
    { name: 'days', ms: 30 * 86_400_000, want: '30d' },
    { name: 'years and days', ms: (2 * 365 + 10) * 86_400_000, want: '2y10d' },
  ])('$name: $want', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want)
  })
})
