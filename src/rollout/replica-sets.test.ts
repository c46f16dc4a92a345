import { describe, expect, it } from 'vitest'
import { isControlledBy } from '../api/owner-refs.ts'
import {
  actualReplicaSum,
  compareByRevision,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  revision,
  specReplicaSum,
  terminatingReplicaSum,
} from './replica-sets.ts'
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

// deployment_util_test.go TestGetReplicaCountForReplicaSets, with its terminating counts.
describe('replica counts over sets (TestGetReplicaCountForReplicaSets)', () => {
  const rs1 = aReplicaSet({ name: 'foo-rs', replicas: 1, statusReplicas: 2, terminating: 3, observedGeneration: 1 })
  // Upstream's rs2 never sets its own observedGeneration (the line meant for it sets rs1's).
  const rs2 = aReplicaSet({ name: 'bar-rs', replicas: 2, statusReplicas: 3, terminating: 1, observedGeneration: 0 })
  const rs3 = aReplicaSet({ name: 'unsynced-rs', replicas: 3, statusReplicas: 0, observedGeneration: 0 })
  const rs4 = aReplicaSet({ name: 'dropped-rs', replicas: 1, statusReplicas: 1, observedGeneration: 1 })
  const cases = [
    { name: 'scaling down rs1', sets: [rs1], count: 1, actual: 2, terminating: 3 },
    { name: 'scaling down rs1 and rs2', sets: [rs1, rs2], count: 3, actual: 5, terminating: 4 },
    { name: 'scaling up rs3', sets: [rs3], count: 3, actual: 0, terminating: 0 },
    { name: 'scaling down rs1 and rs2 and scaling up rs3', sets: [rs1, rs2, rs3], count: 6, actual: 5, terminating: 4 },
    { name: 'invalid/unknown terminating status for rs4', sets: [rs4], count: 1, actual: 1, terminating: undefined },
    {
      name: 'invalid/unknown terminating status for rs4 with rs1, rs2 and rs3',
      sets: [rs1, rs2, rs3, rs4],
      count: 7,
      actual: 6,
      terminating: undefined,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(specReplicaSum(c.sets)).toBe(c.count)
      expect(actualReplicaSum(c.sets)).toBe(c.actual)
      expect(terminatingReplicaSum(c.sets)).toBe(c.terminating)
    })
  }
})
