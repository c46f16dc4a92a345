import { describe, expect, it } from 'vitest'
import { descendantsRss, parseMemoryQuantity } from './memory-limit.ts'

describe('parseMemoryQuantity', () => {
  it.each([
    ['128Mi', 134_217_728],
    ['1Gi', 1_073_741_824],
    ['1.5Gi', 1_610_612_736],
    ['500M', 500_000_000],
    ['64k', 64_000],
    ['2e9', 2_000_000_000],
    ['1048576', 1_048_576],
    [268_435_456, 268_435_456],
    ['12 apples', undefined],
    ['1mi', undefined],
  ] as const)('%s → %s', (q, bytes) => {
    expect(parseMemoryQuantity(q)).toBe(bytes)
  })
})

describe('descendantsRss', () => {
  it('is zero for a process without children and unknown pids', () => {
    expect(descendantsRss(2 ** 22 + 7)).toBe(0)
  })
})
