/** Revisions (stateful_set_utils_test.go TestCreateApplyRevision, history_test.go). */
import { describe, expect, it } from 'vitest'
import { template } from '../../../test/support/builders.ts'
import { REVISION_LABEL } from './identity.ts'
import {
  applyRevision,
  equalRevision,
  fnv32,
  hashRevision,
  newRevision,
  nextRevision,
  revisionName,
  sortRevisions,
} from './revisions.ts'
import { aStatefulSet } from './testing.ts'

describe('fnv32 (FNV-1, as hash/fnv New32)', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0x050c5d7e],
    ['foobar', 0x31f0b262],
  ])('%j → %i', (input, want) => {
    expect(fnv32(new TextEncoder().encode(input))).toBe(want)
  })
})

describe('TestCreateApplyRevision', () => {
  it('a revision restores the template it was made from', () => {
    const set = aStatefulSet()
    const revision = newRevision(set, 1, 0)
    const changed = { ...set, spec: { ...set.spec, template: template('nginx:2', 'foo') } }
    expect(applyRevision(changed, revision).spec.template).toEqual(set.spec.template)
    expect(revision.metadata.labels?.[REVISION_LABEL]).toBe(revision.metadata.name.slice('foo-'.length))
    expect(revision.metadata.labels?.app).toBe('foo')
    expect(revision.revision).toBe(1)
  })

  it('equal templates make equal revisions; another image does not', () => {
    const set = aStatefulSet()
    const other = { ...set, spec: { ...set.spec, template: template('nginx:2', 'foo') } }
    expect(equalRevision(newRevision(set, 1, 0), newRevision(set, 2, 0))).toBe(true)
    expect(equalRevision(newRevision(set, 1, 0), newRevision(other, 1, 0))).toBe(false)
  })

  it('the collision count changes the name', () => {
    const set = aStatefulSet()
    expect(newRevision(set, 1, 0).metadata.name).not.toBe(newRevision(set, 1, 1).metadata.name)
    expect(hashRevision({ a: 1 }, 0)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/)
  })
})

describe('ControllerRevisionName', () => {
  it('cuts the parent name to 223 characters', () => {
    expect(revisionName('x'.repeat(300), 'abc')).toBe(`${'x'.repeat(223)}-abc`)
    expect(revisionName('web', 'abc')).toBe('web-abc')
  })
})

describe('SortControllerRevisions and nextRevision', () => {
  it('orders by revision, then creation time, then name', () => {
    const set = aStatefulSet()
    const r = (n: number, name: string, ts: string) => {
      const rev = newRevision(set, n, 0)
      return { ...rev, metadata: { ...rev.metadata, name, creationTimestamp: ts } }
    }
    const sorted = sortRevisions([
      r(2, 'b', '2026-01-01T00:00:00Z'),
      r(1, 'c', '2026-01-01T00:00:02Z'),
      r(1, 'a', '2026-01-01T00:00:02Z'),
      r(1, 'd', '2026-01-01T00:00:01Z'),
    ])
    expect(sorted.map((x) => x.metadata.name)).toEqual(['d', 'a', 'c', 'b'])
    expect(nextRevision(sorted)).toBe(3)
    expect(nextRevision([])).toBe(1)
  })
})
