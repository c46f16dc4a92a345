import { describe, expect, it } from 'vitest'
import { memoryBytes, milliCPU, parseQuantity } from './quantity.ts'

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['128Mi', 134217728],
    ['1.5G', 1.5e9],
    ['2e3', 2000],
    ['1', 1],
    [3, 3],
    ['.5', 0.5],
    ['1Ki', 1024],
  ])('%s is %s', (q, v) => expect(parseQuantity(q)).toBe(v))

  it.each(['', 'lots', '1 Gi', '1GB', '1.2.3', 'Mi', '-'])('%j is not a quantity', (q) =>
    expect(parseQuantity(q)).toBeUndefined(),
  )
})

describe('milliCPU and memoryBytes', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['1.5', 1500],
    ['0.0001', 1],
    [2, 2000],
  ])('cpu %s is %sm', (q, v) => expect(milliCPU(q)).toBe(v))

  it.each([
    ['64Mi', 67108864],
    ['1G', 1e9],
    ['1.5Ki', 1536],
  ])('memory %s is %s bytes', (q, v) => expect(memoryBytes(q)).toBe(v))
})

describe('memoryBytes: a limits.memory as the runtimes read it', () => {
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
    expect(memoryBytes(q)).toBe(bytes)
  })
})
