/** stateful_set_utils_test.go's cases, names kept. */
import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/types.ts'
import {
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  REVISION_LABEL,
  getOrdinal,
  identityMatches,
  isMemberOf,
  newStatefulSetPod,
  newVersionedStatefulSetPod,
  parentNameAndOrdinal,
  withIdentity,
} from './identity.ts'
import { isRunningAndReady } from './pod-state.ts'
import { statefulSetMaxUnavailable } from './plan.ts'
import { aStatefulSet } from './testing.ts'

const named = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [] } })

describe('TestGetParentNameAndOrdinal', () => {
  it.each([
    ['foo-1', 'foo', 1],
    ['foo-bar-12', 'foo-bar', 12],
    ['foo', '', -1],
    ['foo-', '', -1],
    ['1', '', -1],
    ['foo-99999999999', 'foo', -1],
  ])('%s → parent %j, ordinal %i', (name, parent, ordinal) => {
    expect(parentNameAndOrdinal(named(name))).toEqual({ parent, ordinal })
  })
})

describe('TestIsMemberOf', () => {
  it('a pod named after the set is a member; after another set it is not', () => {
    const set = aStatefulSet()
    expect(isMemberOf(set, named('foo-1'))).toBe(true)
    expect(isMemberOf(set, named('bar-1'))).toBe(false)
    expect(isMemberOf(set, named('foo-bar-1'))).toBe(false)
  })
})

describe('TestIdentityMatches', () => {
  const set = aStatefulSet()
  const pod = () => newStatefulSetPod(set, 1, 'rev', 'baton')
  it.each([
    ['a new pod matches', (p: Pod) => p, true],
    ['another name', (p: Pod) => ({ ...p, metadata: { ...p.metadata, name: 'bar-1' } }), false],
    ['another namespace', (p: Pod) => ({ ...p, metadata: { ...p.metadata, namespace: 'other' } }), false],
    ['no hostname', (p: Pod) => ({ ...p, spec: { ...p.spec, hostname: '' } }), false],
    ['another subdomain', (p: Pod) => ({ ...p, spec: { ...p.spec, subdomain: 'bar' } }), false],
    ['no pod-name label', (p: Pod) => ({ ...p, metadata: { ...p.metadata, labels: {} } }), false],
  ])('%s', (_name, change, want) => {
    expect(identityMatches(set, change(pod()))).toBe(want)
  })
})

describe('TestUpdateIdentity', () => {
  it('restores hostname, subdomain and the identity labels', () => {
    const set = aStatefulSet()
    const p = newStatefulSetPod(set, 2, 'rev', 'baton')
    const broken = { ...p, spec: { ...p.spec, hostname: 'x', subdomain: 'y' }, metadata: { ...p.metadata, labels: {} } }
    expect(identityMatches(set, broken)).toBe(false)
    const fixed = withIdentity(set, broken)
    expect(identityMatches(set, fixed)).toBe(true)
    expect(fixed.metadata.labels).toEqual({ [POD_NAME_LABEL]: 'foo-2', [POD_INDEX_LABEL]: '2' })
  })

  it('sets no subdomain without a serviceName', () => {
    const set = aStatefulSet()
    const { serviceName: _none, ...spec } = set.spec
    const p = newStatefulSetPod({ ...set, spec }, 0, 'rev', 'baton')
    expect(p.spec.subdomain).toBeUndefined()
    expect(p.spec.hostname).toBe('foo-0')
  })
})

describe('TestNewPodControllerRef', () => {
  it('the pod is controlled by the set and carries the revision label', () => {
    const p = newStatefulSetPod(aStatefulSet(), 0, 'foo-abc', 'baton')
    expect(p.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'foo',
        uid: 'uid-foo',
        controller: true,
        blockOwnerDeletion: true,
      },
    ])
    expect(p.metadata.labels?.[REVISION_LABEL]).toBe('foo-abc')
    expect(getOrdinal(p)).toBe(0)
  })
})

describe('newVersionedStatefulSetPod', () => {
  it.each([
    ['below the partition: current revision', 2, 1, 'cur'],
    ['at the partition: update revision', 2, 2, 'upd'],
    ['no partition: update revision', 0, 0, 'upd'],
  ])('%s', (_name, partition, ordinal, want) => {
    const set = aStatefulSet({ partition })
    expect(newVersionedStatefulSetPod(set, set, 'cur', 'upd', ordinal, 'baton').metadata.labels?.[REVISION_LABEL]).toBe(
      want,
    )
  })
})

describe('TestIsRunningAndReady', () => {
  const p = (phase: 'Pending' | 'Running', ready: boolean): Pod => ({
    ...named('foo-0'),
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  })
  it.each([
    ['pending and not ready', p('Pending', false), false],
    ['running and not ready', p('Running', false), false],
    ['pending and ready', p('Pending', true), false],
    ['running and ready', p('Running', true), true],
  ])('%s', (_name, pod, want) => {
    expect(isRunningAndReady(pod)).toBe(want)
  })
})

describe('TestGetStatefulSetMaxUnavailable', () => {
  it.each([
    [undefined, 10, 1],
    [3, 10, 3],
    ['10%', 25, 2],
    ['100%', 5, 5],
    ['1%', 5, 1],
    ['50%', 3, 1],
  ])('maxUnavailable %j of %i replicas → %i', (value, replicas, want) => {
    const set = aStatefulSet({ replicas, ...(value !== undefined ? { maxUnavailable: value } : {}) })
    expect(statefulSetMaxUnavailable(set)).toBe(want)
  })
})
