import { describe, expect, it } from 'vitest'
import type { AnyObject } from './types.ts'
import { immutableDataErrors } from './immutable-data.ts'

const secret = (o: Record<string, unknown>) =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', ...o }) as unknown as AnyObject
const cm = (o: Record<string, unknown>) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...o }) as unknown as AnyObject

describe('immutableDataErrors', () => {
  it.each([
    {
      name: "an immutable Secret's data",
      prev: secret({ immutable: true, data: { a: 'eA==' } }),
      next: secret({ immutable: true, data: { a: 'eQ==' } }),
      fields: ['data'],
    },
    { name: 'unsetting immutable', prev: secret({ immutable: true }), next: secret({}), fields: ['immutable'] },
    {
      name: "a Secret's type, immutable or not",
      prev: secret({}),
      next: secret({ type: 'kubernetes.io/basic-auth' }),
      fields: ['type'],
    },
    {
      name: "an immutable ConfigMap's binaryData",
      prev: cm({ immutable: true, binaryData: { b: 'AA==' } }),
      next: cm({ immutable: true }),
      fields: ['binaryData'],
    },
  ])('refuses changing $name', ({ prev, next, fields }) => {
    expect(immutableDataErrors(prev, next).map((e) => e.field)).toEqual(fields)
  })

  it.each([
    { name: 'a create', prev: undefined, next: secret({ immutable: true }) },
    {
      name: 'labels of an immutable Secret',
      prev: secret({ immutable: true, data: { a: 'eA==' } }),
      next: {
        ...secret({ immutable: true, data: { a: 'eA==' } }),
        metadata: { name: 's', labels: { x: 'y' } },
      } as AnyObject,
    },
    {
      name: 'the data of a mutable ConfigMap, and making it immutable',
      prev: cm({ data: { a: '1' } }),
      next: cm({ immutable: true, data: { a: '2' } }),
    },
  ])('allows $name', ({ prev, next }) => {
    expect(immutableDataErrors(prev, next)).toEqual([])
  })
})
