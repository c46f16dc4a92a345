import { describe, expect, it } from 'vitest'
import { deepFreeze, frozenCopy } from './frozen-copy.ts'

const isDeepFrozen = (v: unknown): boolean =>
  typeof v !== 'object' || v === null || (Object.isFrozen(v) && Object.values(v).every(isDeepFrozen))

describe('frozenCopy', () => {
  const jsonCases: { name: string; value: unknown }[] = [
    { name: 'nested objects and arrays', value: { a: [1, { b: 'x' }], c: { d: null, e: true } } },
    { name: 'undefined and function properties are left out', value: { a: undefined, f: () => 1, b: 1 } },
    { name: 'undefined and functions in arrays become null', value: { a: [undefined, () => 1, 2] } },
    { name: 'non-finite numbers become null, -0 becomes 0', value: { a: Number.NaN, b: Infinity, c: -0 } },
    { name: 'a Date becomes its ISO string (toJSON)', value: { at: new Date(0) } },
    { name: 'a Map becomes {}', value: { m: new Map([[1, 2]]) } },
    { name: 'key order is kept', value: { z: 1, a: 2, m: { y: 1, b: 2 } } },
  ]
  it.each(jsonCases)('copies as JSON would: $name', ({ value }) => {
    const copy = frozenCopy(value)
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value))
    expect(copy).toEqual(JSON.parse(JSON.stringify(value)))
    expect(isDeepFrozen(copy)).toBe(true)
  })

  it('never freezes or keeps the input', () => {
    const input = { spec: { containers: [{ image: 'a' }] } }
    const copy = frozenCopy(input)
    expect(Object.isFrozen(input) || Object.isFrozen(input.spec.containers[0])).toBe(false)
    input.spec.containers[0]!.image = 'b'
    expect(copy.spec.containers[0]!.image).toBe('a')
  })

  it('shares every subtree equal to the previous version, and only those', () => {
    const v1 = frozenCopy({ spec: { image: 'a', ports: [80] }, status: { ready: false, ips: ['1.2.3.4'] } })
    // A fresh object from the caller, equal in spec, different in status.ready.
    const v2 = frozenCopy({ spec: { image: 'a', ports: [80] }, status: { ready: true, ips: ['1.2.3.4'] } }, v1)
    expect(v2.spec).toBe(v1.spec)
    expect(v2.status.ips).toBe(v1.status.ips)
    expect(v2.status).not.toBe(v1.status)
    expect(v2.status.ready).toBe(true)
    expect(isDeepFrozen(v2)).toBe(true)
  })

  it('returns the previous version itself when nothing changed', () => {
    const v1 = frozenCopy({ a: { b: [1, 2] }, c: 'x' })
    expect(frozenCopy({ a: { b: [1, 2] }, c: 'x' }, v1)).toBe(v1)
    expect(frozenCopy({ ...v1 }, v1)).toBe(v1)
  })

  const notSharedCases: { name: string; next: Record<string, unknown> }[] = [
    { name: 'same values, other key order', next: { b: 2, a: 1 } },
    { name: 'a key removed', next: { a: 1 } },
    { name: 'a key added', next: { a: 1, b: 2, c: 3 } },
    { name: 'a key set to undefined', next: { a: 1, b: undefined } },
  ]
  it.each(notSharedCases)('does not reuse a node when $name', ({ next }) => {
    const v1 = frozenCopy({ o: { a: 1, b: 2 } as Record<string, unknown> })
    const v2 = frozenCopy({ o: next }, v1)
    expect(v2.o).not.toBe(v1.o)
    expect(JSON.stringify(v2.o)).toBe(JSON.stringify(next))
  })

  it('does not reuse an array of another length', () => {
    const v1 = frozenCopy({ xs: [1, 2] })
    const v2 = frozenCopy({ xs: [1, 2, 3] }, v1)
    expect(v2.xs).toEqual([1, 2, 3])
    expect(v2.xs).not.toBe(v1.xs)
  })
})

describe('frozenCopy of frozen input', () => {
  it('keeps a frozen subtree of its input as it is: a stored node, shared', () => {
    const stored = frozenCopy({ containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] })
    const pod = frozenCopy({ spec: { containers: stored.containers, nodeName: 'n' } })
    expect(pod.spec.containers).toBe(stored.containers)
    expect(isDeepFrozen(pod)).toBe(true)
  })

  it('still converts a frozen object that JSON would convert (a frozen Date)', () => {
    const at = Object.freeze(new Date(0))
    expect(frozenCopy({ at })).toEqual({ at: '1970-01-01T00:00:00.000Z' })
  })

  it('shares one empty object and one empty array between all versions', () => {
    const a = frozenCopy({ lastState: {}, ports: [] as number[] })
    const b = frozenCopy({ other: { lastState: {} }, ports: [] as number[] })
    expect(b.other.lastState).toBe(a.lastState)
    expect(b.ports).toBe(a.ports)
    expect(isDeepFrozen(a)).toBe(true)
    expect(JSON.stringify(a)).toBe('{"lastState":{},"ports":[]}')
  })
})

describe('deepFreeze', () => {
  it('freezes a parsed tree all the way down and returns it', () => {
    const tree = JSON.parse('{"a":{"b":[{"c":1}]}}') as { a: { b: { c: number }[] } }
    expect(deepFreeze(tree)).toBe(tree)
    expect(isDeepFrozen(tree)).toBe(true)
    expect(() => {
      tree.a.b[0]!.c = 2
    }).toThrow(TypeError)
  })
})
