import { describe, expect, it } from 'vitest'
import { isKind, KINDS, qualifiedResource } from './resources.ts'

describe('resources', () => {
  it.each([
    { kind: 'Deployment', want: 'deployments.apps' },
    { kind: 'ReplicaSet', want: 'replicasets.apps' },
    { kind: 'StatefulSet', want: 'statefulsets.apps' },
    { kind: 'ControllerRevision', want: 'controllerrevisions.apps' },
    { kind: 'Pod', want: 'pods' },
    { kind: 'Service', want: 'services' },
    { kind: 'Endpoints', want: 'endpoints' },
    { kind: 'ConfigMap', want: 'configmaps' },
    { kind: 'Event', want: 'events' },
  ] as const)('$kind is $want in messages', ({ kind, want }) => {
    expect(qualifiedResource(kind)).toBe(want)
  })

  it('lists every kind once and recognises only those', () => {
    expect(KINDS).toHaveLength(9)
    expect(isKind('Pod')).toBe(true)
    expect(isKind('pod')).toBe(false)
    expect(isKind('toString')).toBe(false)
  })
})
