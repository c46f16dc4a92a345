import { describe, expect, it } from 'vitest'
import { pushProgressLine, tarSizeEstimate } from './push-progress.ts'

const MiB = 1024 * 1024

describe('pushProgressLine', () => {
  it.each([
    {
      name: 'nothing read yet',
      read: 0,
      total: 200 * MiB,
      done: false,
      line: `Pushing web:v2 [${' '.repeat(30)}]   0%  0 bytes of 200 MiB`,
    },
    {
      name: 'half way',
      read: 100 * MiB,
      total: 200 * MiB,
      done: false,
      line: `Pushing web:v2 [${'='.repeat(14)}>${' '.repeat(15)}]  50%  100 MiB of 200 MiB`,
    },
    {
      name: 'an estimate passed before the end stays at 99 %',
      read: 210 * MiB,
      total: 200 * MiB,
      done: false,
      line: `Pushing web:v2 [${'='.repeat(28)}> ]  99%  200 MiB of 200 MiB`,
    },
    {
      name: 'done',
      read: 210 * MiB,
      total: 200 * MiB,
      done: true,
      line: `Pushing web:v2 [${'='.repeat(30)}] 100%  200 MiB of 200 MiB`,
    },
    { name: 'no total: bytes only', read: 3 * MiB, total: undefined, done: false, line: 'Pushing web:v2 3 MiB' },
  ])('$name', ({ read, total, done, line }) => {
    expect(pushProgressLine('web:v2', read, total, done)).toBe(line)
  })
})

describe('tarSizeEstimate', () => {
  it('counts a header per entry, contents in 512-byte blocks and the two end blocks', () => {
    expect(tarSizeEstimate([])).toBe(1024)
    expect(tarSizeEstimate([{ size: 0 }, { size: 1 }, { size: 512 }, { size: 513 }])).toBe(
      1024 + 4 * 512 + 0 + 512 + 512 + 1024,
    )
  })
})
