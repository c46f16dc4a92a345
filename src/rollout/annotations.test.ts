import { describe, expect, it } from 'vitest'
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  appendRevisionHistory,
  copyDeploymentAnnotations,
  replicasAnnotation,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.ts'
import { aDeployment } from '../../test/support/builders.ts'

describe('setNewReplicaSetAnnotations', () => {
  // TestAnnotationUtils: raising the revision 1 → 20 one step at a time.
  it('raises the revision step by step', () => {
    const d = aDeployment({ annotations: { [REVISION_ANNOTATION]: '1' } })
    let annotations: Record<string, string> | undefined
    for (let next = 1; next <= 20; next++) {
      annotations = setNewReplicaSetAnnotations(d, annotations, next, true).annotations
      expect(annotations[REVISION_ANNOTATION]).toBe(String(next))
    }
    expect(annotations?.[REVISION_HISTORY_ANNOTATION]?.split(',')).toHaveLength(19)
  })

  it.each([
    {
      name: 'new RS gets revision and replica annotations',
      rs: undefined,
      rev: 1,
      exists: false,
      want: { [REVISION_ANNOTATION]: '1', [DESIRED_REPLICAS_ANNOTATION]: '10', [MAX_REPLICAS_ANNOTATION]: '13' },
      changed: true,
    },
    {
      name: 'revision never goes down',
      rs: { [REVISION_ANNOTATION]: '5' },
      rev: 3,
      exists: true,
      want: { [REVISION_ANNOTATION]: '5' },
      changed: false,
    },
    {
      name: 'rollback moves the old number into history',
      rs: { [REVISION_ANNOTATION]: '2' },
      rev: 4,
      exists: true,
      want: { [REVISION_ANNOTATION]: '4', [REVISION_HISTORY_ANNOTATION]: '2' },
      changed: true,
    },
    {
      name: 'history grows on a second rollback',
      rs: { [REVISION_ANNOTATION]: '4', [REVISION_HISTORY_ANNOTATION]: '2' },
      rev: 6,
      exists: true,
      want: { [REVISION_ANNOTATION]: '6', [REVISION_HISTORY_ANNOTATION]: '2,4' },
      changed: true,
    },
    {
      name: 'unreadable revision is left alone',
      rs: { [REVISION_ANNOTATION]: 'x' },
      rev: 4,
      exists: true,
      want: { [REVISION_ANNOTATION]: 'x' },
      changed: false,
    },
  ] as Array<{
    name: string
    rs?: Record<string, string>
    rev: number
    exists: boolean
    want: Record<string, string>
    changed: boolean
  }>)('$name', ({ rs, rev, exists, want, changed }) => {
    const got = setNewReplicaSetAnnotations(aDeployment({ replicas: 10 }), rs, rev, exists)
    expect(got).toEqual({ annotations: want, changed })
  })

  it('caps revision-history: limit 5 keeps the last two two-digit revisions', () => {
    const rs = { [REVISION_ANNOTATION]: '12', [REVISION_HISTORY_ANNOTATION]: '10,11' }
    const got = setNewReplicaSetAnnotations(aDeployment(), rs, 13, true, 5)
    expect(got.annotations[REVISION_HISTORY_ANNOTATION]).toBe('11,12')
  })
})

describe('appendRevisionHistory', () => {
  it.each([
    { name: 'first entry', history: undefined, add: '3', limit: 2000, want: '3' },
    { name: 'append', history: '1,2', add: '3', limit: 2000, want: '1,2,3' },
    { name: 'drop oldest to fit', history: '10,11', add: '12', limit: 5, want: '11,12' },
    { name: 'an entry that alone exceeds the limit is not added', history: '1', add: '123456', limit: 5, want: '1' },
  ])('$name', ({ history, add, limit, want }) => {
    expect(appendRevisionHistory(history, add, limit)).toBe(want)
  })
})

describe('copyDeploymentAnnotations', () => {
  it('copies everything but the skip list and never removes', () => {
    const d = aDeployment({
      annotations: {
        'kubernetes.io/change-cause': 'set image app:v2',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        [REVISION_ANNOTATION]: '9',
        [DESIRED_REPLICAS_ANNOTATION]: '1',
        'deprecated.deployment.rollback.to': '1',
      },
    })
    const got = copyDeploymentAnnotations(d, { keep: 'me' })
    expect(got).toEqual({
      annotations: { keep: 'me', 'kubernetes.io/change-cause': 'set image app:v2' },
      changed: true,
    })
    expect(copyDeploymentAnnotations(d, got.annotations).changed).toBe(false)
  })
})

describe('replica annotations', () => {
  it('sets desired and max, reporting whether anything changed', () => {
    const first = setReplicasAnnotations(undefined, 10, 11)
    expect(first).toEqual({
      annotations: { [DESIRED_REPLICAS_ANNOTATION]: '10', [MAX_REPLICAS_ANNOTATION]: '11' },
      changed: true,
    })
    expect(setReplicasAnnotations(first.annotations, 10, 11).changed).toBe(false)
  })
  it.each([
    { v: '3', want: 3 },
    { v: '-1', want: undefined },
    { v: 'x', want: undefined },
    { v: '9999999999', want: undefined },
  ])('reads $v as $want', ({ v, want }) => {
    expect(replicasAnnotation({ [MAX_REPLICAS_ANNOTATION]: v }, MAX_REPLICAS_ANNOTATION)).toBe(want)
  })
})
