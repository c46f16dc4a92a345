import { describe, expect, it } from 'vitest'
import type { AnyObject } from '../api/types.ts'
import { jsonEqual, planDeletion, specChanged } from './object-rules.ts'
import { aConfigMap, aPod, submitted } from '../../test/support/builders.ts'

const NOON = Date.parse('2026-01-01T12:00:00Z')

describe('jsonEqual', () => {
  it.each([
    { name: 'key order is ignored', a: { x: 1, y: [1, { z: 2 }] }, b: { y: [1, { z: 2 }], x: 1 }, equal: true },
    { name: 'undefined counts as absent', a: { x: 1, y: undefined }, b: { x: 1 }, equal: true },
    { name: 'array order matters', a: [1, 2], b: [2, 1], equal: false },
    { name: 'null is not absent', a: { x: null }, b: {}, equal: false },
    { name: 'an array is not an object', a: { 0: 1 }, b: [1], equal: false },
    { name: 'nested difference', a: { s: { r: 1 } }, b: { s: { r: 2 } }, equal: false },
  ])('$name', ({ a, b, equal }) => {
    expect(jsonEqual(a, b)).toBe(equal)
    expect(jsonEqual(b, a)).toBe(equal)
  })
})

describe('specChanged', () => {
  it('looks at everything but apiVersion, kind, metadata and status', () => {
    const cm = aConfigMap({ name: 'a', data: { k: 'v' } })
    expect(specChanged(cm, { ...cm, metadata: { name: 'a', labels: { x: 'y' } } })).toBe(false)
    expect(specChanged(cm, { ...cm, data: { k: 'w' } })).toBe(true)
    expect(specChanged(cm, { ...cm, immutable: true })).toBe(true)
  })
})

describe('planDeletion', () => {
  const bound = (grace?: number) =>
    submitted(aPod({ name: 'p', nodeName: 'local', ...(grace !== undefined ? { grace } : {}) }))
  const marked = (obj: AnyObject, ts: string, grace: number) => ({
    ...obj,
    metadata: { ...obj.metadata, deletionTimestamp: ts, deletionGracePeriodSeconds: grace },
  })
  // The worked example of planDeletion's doc comment, row by row.
  const cases: { name: string; obj: AnyObject; opts: object; want: object }[] = [
    {
      name: 'unbound pod: removed',
      obj: submitted(aPod({ name: 'p', scheduled: false })),
      opts: {},
      want: { action: 'remove', policy: 'Background' },
    },
    {
      name: 'bound pod, spec grace 10: marked until 12:00:10',
      obj: bound(10),
      opts: {},
      want: {
        action: 'mark',
        next: { metadata: { deletionTimestamp: '2026-01-01T12:00:10Z', deletionGracePeriodSeconds: 10 } },
      },
    },
    {
      name: 'bound pod marked, deleted again: nothing',
      obj: marked(bound(10), '2026-01-01T12:00:10Z', 10),
      opts: {},
      want: { action: 'none' },
    },
    {
      name: 'bound pod marked, grace 0: removed',
      obj: marked(bound(10), '2026-01-01T12:00:10Z', 10),
      opts: { gracePeriodSeconds: 0 },
      want: { action: 'remove', last: { metadata: { deletionGracePeriodSeconds: 0 } } },
    },
    {
      name: 'bound pod, grace 0 at once: removed',
      obj: bound(),
      opts: { gracePeriodSeconds: 0 },
      want: { action: 'remove' },
    },
    {
      name: 'finalizers: marked now, no grace',
      obj: aConfigMap({ name: 'c', finalizers: ['x/y'] }),
      opts: {},
      want: {
        action: 'mark',
        next: { metadata: { deletionTimestamp: '2026-01-01T12:00:00Z', deletionGracePeriodSeconds: 0 } },
      },
    },
    {
      name: 'finalizers, Orphan: the orphan finalizer is added',
      obj: aConfigMap({ name: 'c', finalizers: ['x/y'] }),
      opts: { propagationPolicy: 'Orphan' },
      want: { action: 'mark', next: { metadata: { finalizers: ['x/y', 'orphan'] } } },
    },
    {
      name: 'no finalizers, Orphan: removed orphaning',
      obj: aConfigMap({ name: 'c' }),
      opts: { propagationPolicy: 'Orphan' },
      want: { action: 'remove', policy: 'Orphan' },
    },
    { name: 'negative grace counts as 0', obj: bound(), opts: { gracePeriodSeconds: -5 }, want: { action: 'remove' } },
  ]
  it.each(cases)('$name', ({ obj, opts, want }) => {
    expect(planDeletion(obj, opts, NOON)).toMatchObject(want)
  })
})
