import { describe, expect, it } from 'vitest'
import { descendantsRss } from './memory-limit.ts'

describe('descendantsRss', () => {
  it('is zero for a process without children and unknown pids', () => {
    expect(descendantsRss(2 ** 22 + 7)).toBe(0)
  })
})
