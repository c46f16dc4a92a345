import { describe, expect, it } from 'vitest'
import { isControlledBy } from '../api/owner-refs.ts'
import { compareByRevision, findNewReplicaSet, findOldReplicaSets, maxRevision, revision } from './replica-sets.ts'
import { aDeployment, aReplicaSet } from '../../test/support/builders.ts'

const d = aDeployment({ image: 'app:v2' })
const newRS = aReplicaSet({ name: 'web-new', replicas: 1, image: 'app:v2', created: 60 })
const newRSDup = aReplicaSet({ name: 'web-dup', replicas: 0, image: 'app:v2', created: 0 })
const oldRS = aReplicaSet({ name: 'web-old', replicas: 0, image: 'app:v1', created: -60 })

// TestFindNewReplicaSet
describe('findNewReplicaSet', () => {
  it.each([
    { name: 'same template as the Deployment, different hash value', rss: [newRS, oldRS], want: 'web-new' },
    { name: 'the oldest of several matching RSs', rss: [newRS, oldRS, newRSDup], want: 'web-dup' },
    { name: 'none matches', rss: [oldRS], want: undefined },
  ])('$name', ({ rss, want }) => {
    expect(findNewReplicaSet(d, rss)?.metadata.name).toBe(want)
  })
})

// TestFindOldReplicaSets
describe('findOldReplicaSets', () => {
  const names = (rss: { metadata: { name: string } }[]) => rss.map((r) => r.metadata.name).sort()
  it.each([
    { name: 'old RSs', rss: [newRS, oldRS], all: ['web-old'], active: [] },
    { name: 'old RSs with no new RS', rss: [oldRS], all: ['web-old'], active: [] },
    {
      name: 'two new RSs: only the oldest is new',
      rss: [oldRS, newRS, newRSDup],
      all: ['web-new', 'web-old'],
      active: ['web-new'],
    },
    { name: 'no old RSs', rss: [newRS], all: [], active: [] },
  ])('$name', ({ rss, all, active }) => {
    const got = findOldReplicaSets(d, rss)
    expect(names(got.all)).toEqual(all)
    expect(names(got.active)).toEqual(active)
  })
})

describe('revisions', () => {
  it.each([
    { name: 'absent annotation is 0', rs: aReplicaSet({ name: 'a', replicas: 0 }), want: 0 },
    { name: 'a number', rs: aReplicaSet({ name: 'a', replicas: 0, revision: 7 }), want: 7 },
    { name: 'junk is unreadable', rs: aReplicaSet({ name: 'a', replicas: 0, revision: 'x7' }), want: undefined },
  ])('revision: $name', ({ rs, want }) => {
    expect(revision(rs)).toBe(want)
  })

  it('maxRevision skips unreadable revisions', () => {
    const rss = [2, 'oops', 5, 3].map((r, i) => aReplicaSet({ name: `r${i}`, replicas: 0, revision: r }))
    expect(maxRevision(rss)).toBe(5)
    expect(maxRevision([])).toBe(0)
  })

  it('orders by revision, falling back to creation time when one is unreadable or equal', () => {
    const a = aReplicaSet({ name: 'a', replicas: 0, revision: 2, created: 0 })
    const b = aReplicaSet({ name: 'b', replicas: 0, revision: 1, created: 10 })
    const c = aReplicaSet({ name: 'c', replicas: 0, revision: 'bad', created: -10 })
    expect([a, b].sort(compareByRevision).map((r) => r.metadata.name)).toEqual(['b', 'a'])
    expect([a, c].sort(compareByRevision).map((r) => r.metadata.name)).toEqual(['c', 'a'])
  })
})

describe('isControlledBy', () => {
  it('matches the controller reference by uid', () => {
    expect(isControlledBy(newRS, d)).toBe(true)
    expect(isControlledBy(newRS, aDeployment({ name: 'other' }))).toBe(false)
  })
  it('ignores owner references that are not the controller', () => {
    const rs = aReplicaSet({ name: 'web-x', replicas: 1 })
    rs.metadata.ownerReferences = rs.metadata.ownerReferences?.map((r) => ({ ...r, controller: false }))
    expect(isControlledBy(rs, d)).toBe(false)
  })
})
