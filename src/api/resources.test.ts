import { describe, expect, it } from 'vitest'
import {
  apiVersionOf,
  isKind,
  kindForName,
  kindForPath,
  KINDS,
  qualifiedResource,
  qualifiedSingular,
  resourcePath,
} from './resources.ts'

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
    expect(KINDS).toHaveLength(16)
    expect(isKind('Pod')).toBe(true)
    expect(isKind('pod')).toBe(false)
    expect(isKind('toString')).toBe(false)
  })
})

describe('resource names on the command line and in paths', () => {
  it.each([
    { word: 'deploy', want: 'Deployment' },
    { word: 'deployments', want: 'Deployment' },
    { word: 'Deployment', want: 'Deployment' },
    { word: 'deployment.apps', want: 'Deployment' },
    { word: 'deployments.apps/v1', want: 'Deployment' },
    { word: 'rs', want: 'ReplicaSet' },
    { word: 'po', want: 'Pod' },
    { word: 'svc', want: 'Service' },
    { word: 'ep', want: 'Endpoints' },
    { word: 'ev', want: 'Event' },
    { word: 'ro', want: 'Rollout' },
    { word: 'rollouts.argoproj.io/v1alpha1', want: 'Rollout' },
    { word: 'pvc', want: 'PersistentVolumeClaim' },
    { word: 'ns', want: 'Namespace' },
    { word: 'pods.apps', want: undefined },
    { word: 'widgets', want: undefined },
  ] as const)('$word names $want', ({ word, want }) => {
    expect(kindForName(word)).toBe(want)
  })

  it('builds paths and apiVersions', () => {
    expect(resourcePath('Deployment', 'default', 'web')).toBe('/apis/apps/v1/namespaces/default/deployments/web')
    expect(resourcePath('Pod')).toBe('/api/v1/pods')
    expect(kindForPath('apps', 'replicasets')).toBe('ReplicaSet')
    expect(kindForPath('', 'replicasets')).toBeUndefined()
    expect(apiVersionOf('Service')).toBe('v1')
    expect(apiVersionOf('Rollout')).toBe('argoproj.io/v1alpha1')
    expect(resourcePath('Rollout', 'default', 'demo')).toBe(
      '/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/demo',
    )
    expect(kindForPath('argoproj.io', 'rollouts')).toBe('Rollout')
    expect(qualifiedSingular('Deployment')).toBe('deployment.apps')
    expect(qualifiedSingular('Service')).toBe('service')
  })
})
