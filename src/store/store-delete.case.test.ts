/**
 * Conformance cases for deletion: finalizers, graceful Pod termination and cascading delete.
 * Run through runStoreConformance (store.case.test.ts).
 */
import { describe, expect, it } from 'vitest'

import { aConfigMap, aDeployment, aPod, aReplicaSet, submitted } from '../../test/support/builders.ts'
import { type MakeStore, recorder, TrippingClock, useStores } from './testing.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import type { AnyObject } from '../api/types.ts'

export function runDeleteConformance(make: MakeStore): void {
  const open = useStores(make)

  describe('delete', () => {
    it('removes an object at once and returns it as deleted', () => {
      const { store } = open()
      const cm = store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
      const deleted = store.delete('ConfigMap', 'default', 'cfg')
      expect(deleted.metadata.name).toBe('cfg')
      expect(Number(deleted.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion))
      expect(store.get('ConfigMap', 'default', 'cfg')).toBeUndefined()
    })

    it('fails on a missing object, naming it with a hint', () => {
      const { store } = open()
      expect(thrownBatonError(() => store.delete('Pod', 'prod', 'nope'))).toMatchObject({
        code: 'BATON_NOT_FOUND',
        message: 'pods "nope" not found',
        hint: expect.stringContaining('baton get pods -n prod'),
      })
    })

    it('checks the resourceVersion precondition', () => {
      const { store } = open()
      const cm = store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
      store.update({ ...cm, data: { k: 'v2' } })
      expect(
        thrownBatonError(() =>
          store.delete('ConfigMap', 'default', 'cfg', { resourceVersion: cm.metadata.resourceVersion! }),
        ),
      ).toMatchObject({ code: 'BATON_CONFLICT' })
      expect(store.get('ConfigMap', 'default', 'cfg')).toBeDefined()
    })

    it('with finalizers, marks the object and removes it when an update empties them', () => {
      const { store, clock } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'cfg', finalizers: ['example.com/a', 'example.com/b'] }))
      const rec = recorder()
      store.watch('ConfigMap', { resourceVersion: store.currentResourceVersion() }, rec.handler)
      clock.advance(5_000)
      const marked = store.delete('ConfigMap', 'default', 'cfg')
      expect(marked.metadata).toMatchObject({
        deletionTimestamp: formatTimestamp(clock.now()),
        deletionGracePeriodSeconds: 0,
      })
      expect(store.delete('ConfigMap', 'default', 'cfg')).toEqual(marked)

      const one = store.update({ ...marked, metadata: { ...marked.metadata, finalizers: ['example.com/b'] } })
      expect(one.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp)
      store.update({ ...one, metadata: { ...one.metadata, finalizers: [] } })
      expect(store.get('ConfigMap', 'default', 'cfg')).toBeUndefined()
      expect(rec.events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'DELETED'])
    })

    const graceCases = [
      { name: 'spec.terminationGracePeriodSeconds', grace: 10, opts: {}, want: 10 },
      { name: 'the default of 30s', grace: undefined, opts: {}, want: 30 },
      { name: 'the delete option over the spec', grace: 10, opts: { gracePeriodSeconds: 5 }, want: 5 },
    ]
    it.each(graceCases)('a Pod on a node terminates gracefully, grace period from $name', ({ grace, opts, want }) => {
      const { store, clock } = open()
      store.create<'Pod'>(submitted(aPod({ name: 'p', nodeName: 'local', ...(grace !== undefined ? { grace } : {}) })))
      const marked = store.delete('Pod', 'default', 'p', opts)
      expect(marked.metadata).toMatchObject({
        deletionTimestamp: formatTimestamp(clock.now() + want * 1000),
        deletionGracePeriodSeconds: want,
      })
      clock.advance(want * 1000 + 1000)
      expect(store.get('Pod', 'default', 'p')?.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp)
      expect(store.delete('Pod', 'default', 'p')).toEqual(marked)
      store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 })
      expect(store.get('Pod', 'default', 'p')).toBeUndefined()
    })

    it('a later delete can shorten a pending grace period', () => {
      const { store, clock } = open()
      store.create<'Pod'>(submitted(aPod({ name: 'p', nodeName: 'local', grace: 60 })))
      store.delete('Pod', 'default', 'p')
      const shorter = store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 5 })
      expect(shorter.metadata).toMatchObject({
        deletionGracePeriodSeconds: 5,
        deletionTimestamp: formatTimestamp(clock.now() + 5000),
      })
    })

    it('removes a Pod that no node runs at once', () => {
      const { store } = open()
      store.create<'Pod'>(submitted(aPod({ name: 'p', scheduled: false, grace: 30 })))
      store.delete('Pod', 'default', 'p')
      expect(store.get('Pod', 'default', 'p')).toBeUndefined()
    })

    it('keeps a terminated Pod with finalizers until they are emptied', () => {
      const { store } = open()
      store.create<'Pod'>(submitted(aPod({ name: 'p', nodeName: 'local', finalizers: ['example.com/x'] })))
      store.delete('Pod', 'default', 'p')
      const held = store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 })
      expect(held.metadata.deletionGracePeriodSeconds).toBe(0)
      store.update({ ...held, metadata: { ...held.metadata, finalizers: [] } })
      expect(store.get('Pod', 'default', 'p')).toBeUndefined()
    })
  })

  describe('cascading delete', () => {
    /** Deployment web -> ReplicaSet web-1 -> Pods: one bound to a node, one not yet scheduled. */
    function tree(store: ReturnType<typeof open>['store']) {
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      const rs = store.create<'ReplicaSet'>(submitted(aReplicaSet({ name: 'web-1', replicas: 1, owner: d })))
      store.create<'Pod'>(submitted(aPod({ name: 'web-1-bound', owner: rs, nodeName: 'local' })))
      store.create<'Pod'>(submitted(aPod({ name: 'web-1-pending', scheduled: false, owner: rs })))
      store.create<'Pod'>(submitted(aPod({ name: 'unrelated', nodeName: 'local' })))
      return { d, rs }
    }

    it('follows ownerReferences transitively in the background; bound Pods start terminating', () => {
      const { store } = open()
      tree(store)
      const rec = recorder()
      store.watch(undefined, { resourceVersion: store.currentResourceVersion() }, rec.handler)
      store.delete('Deployment', 'default', 'web')
      expect(store.get('Deployment', 'default', 'web')).toBeUndefined()
      expect(store.get('ReplicaSet', 'default', 'web-1')).toBeUndefined()
      expect(store.get('Pod', 'default', 'web-1-pending')).toBeUndefined()
      expect(store.get('Pod', 'default', 'web-1-bound')?.metadata.deletionTimestamp).toBeDefined()
      expect(store.get('Pod', 'default', 'unrelated')?.metadata.deletionTimestamp).toBeUndefined()
      expect(rec.lines()).toEqual([
        'DELETED Deployment default/web 6',
        'DELETED ReplicaSet default/web-1 7',
        'MODIFIED Pod default/web-1-bound 8',
        'DELETED Pod default/web-1-pending 9',
      ])
    })

    it('waits for an owner held by a finalizer, then collects its dependents', () => {
      const { store } = open()
      const cm = store.create<'ConfigMap'>(aConfigMap({ name: 'owner', finalizers: ['example.com/hold'] }))
      store.create<'ConfigMap'>(aConfigMap({ name: 'child', owners: [cm] }))
      const marked = store.delete('ConfigMap', 'default', 'owner')
      expect(store.get('ConfigMap', 'default', 'child')).toBeDefined()
      store.update({ ...marked, metadata: { ...marked.metadata, finalizers: [] } })
      expect(store.list('ConfigMap').items).toEqual([])
    })

    it('keeps a dependent that another live owner still holds, minus the dead reference', () => {
      const { store } = open()
      const a = store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      const b = store.create<'ConfigMap'>(aConfigMap({ name: 'b' }))
      store.create<'ConfigMap'>(aConfigMap({ name: 'shared', owners: [a, b] }))
      store.delete('ConfigMap', 'default', 'a')
      const shared = store.get('ConfigMap', 'default', 'shared')
      expect(shared?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['b'])
      store.delete('ConfigMap', 'default', 'b')
      expect(store.get('ConfigMap', 'default', 'shared')).toBeUndefined()
    })

    it('Orphan strips the ownerReferences and leaves the dependents', () => {
      const { store } = open()
      tree(store)
      store.delete('Deployment', 'default', 'web', { propagationPolicy: 'Orphan' })
      expect(store.get('Deployment', 'default', 'web')).toBeUndefined()
      const rs = store.get('ReplicaSet', 'default', 'web-1')
      expect(rs?.metadata.ownerReferences).toBeUndefined()
      expect(rs?.metadata.deletionTimestamp).toBeUndefined()
      expect(store.get('Pod', 'default', 'web-1-pending')?.metadata.ownerReferences?.[0]?.name).toBe('web-1')
    })

    it('is one transaction: a failure midway through a cascade leaves no trace', () => {
      const clock = new TrippingClock()
      const { store } = open({ clock })
      tree(store)
      const before = store.list('Pod').items
      const rv = store.currentResourceVersion()
      const rec = recorder()
      store.watch(undefined, { resourceVersion: rv }, rec.handler)
      clock.trip(1) // the Deployment's own delete reads the clock; the ReplicaSet's fails
      expect(() => store.delete('Deployment', 'default', 'web')).toThrow('clock tripped')
      expect(store.get('Deployment', 'default', 'web')).toBeDefined()
      expect(store.get('ReplicaSet', 'default', 'web-1')).toBeDefined()
      expect(store.list('Pod').items).toEqual(before)
      expect(store.currentResourceVersion()).toBe(rv)
      expect(rec.events).toEqual([])
      // The owner index rolled back too: once the clock works, the cascade runs as usual.
      clock.trip(Number.POSITIVE_INFINITY)
      store.delete('Deployment', 'default', 'web')
      expect(store.get('ReplicaSet', 'default', 'web-1')).toBeUndefined()
      expect(Number(store.currentResourceVersion())).toBe(Number(rv) + 4)
    })

    /** The tree with every reference blocking its owner's deletion, as the controllers write them. */
    function blockingTree(store: ReturnType<typeof open>['store']) {
      const block = <T extends AnyObject>(o: T): T => ({
        ...o,
        metadata: {
          ...o.metadata,
          ownerReferences: o.metadata.ownerReferences?.map((r) => ({ ...r, blockOwnerDeletion: true })),
        },
      })
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      const rs = store.create<'ReplicaSet'>(block(submitted(aReplicaSet({ name: 'web-1', replicas: 1, owner: d }))))
      store.create<'Pod'>(block(submitted(aPod({ name: 'web-1-bound', owner: rs, nodeName: 'local' }))))
      store.create<'Pod'>(block(submitted(aPod({ name: 'web-1-pending', scheduled: false, owner: rs }))))
    }

    it('Foreground keeps the owners, marked, until their blocking dependents are gone, all the way down', () => {
      const { store, clock } = open()
      blockingTree(store)
      const marked = store.delete('Deployment', 'default', 'web', { propagationPolicy: 'Foreground' })
      expect(marked.metadata).toMatchObject({
        finalizers: ['foregroundDeletion'],
        deletionTimestamp: formatTimestamp(clock.now()),
      })
      expect(store.get('ReplicaSet', 'default', 'web-1')?.metadata.finalizers).toEqual(['foregroundDeletion'])
      expect(store.get('Pod', 'default', 'web-1-pending')).toBeUndefined()
      expect(store.get('Pod', 'default', 'web-1-bound')?.metadata.deletionTimestamp).toBeDefined()
      expect(store.get('Deployment', 'default', 'web')?.metadata.deletionTimestamp).toBeDefined()

      const rec = recorder()
      store.watch(undefined, { resourceVersion: store.currentResourceVersion() }, rec.handler)
      // The node agent, once the bound Pod's processes stopped:
      store.delete('Pod', 'default', 'web-1-bound', { gracePeriodSeconds: 0 })
      expect(rec.events.map((e) => `${e.type} ${e.object.kind}`)).toEqual([
        'DELETED Pod',
        'DELETED ReplicaSet',
        'DELETED Deployment',
      ])
      expect(store.get('Deployment', 'default', 'web')).toBeUndefined()
    })

    it('Foreground removes an object without dependents at once', () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'alone' }))
      store.delete('ConfigMap', 'default', 'alone', { propagationPolicy: 'Foreground' })
      expect(store.get('ConfigMap', 'default', 'alone')).toBeUndefined()
    })

    it('Foreground does not wait for a dependent that does not block, nor one another owner keeps', () => {
      const { store } = open()
      const owner = store.create<'ConfigMap'>(aConfigMap({ name: 'owner' }))
      const other = store.create<'ConfigMap'>(aConfigMap({ name: 'other' }))
      const loose = aConfigMap({ name: 'loose', owners: [owner] })
      loose.metadata.ownerReferences = loose.metadata.ownerReferences?.map((r) => ({ ...r, blockOwnerDeletion: false }))
      store.create<'ConfigMap'>(loose)
      store.create<'ConfigMap'>(aConfigMap({ name: 'shared', owners: [owner, other] }))
      store.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Foreground' })
      expect(store.get('ConfigMap', 'default', 'owner')).toBeUndefined()
      expect(store.get('ConfigMap', 'default', 'loose')).toBeUndefined()
      expect(store.get('ConfigMap', 'default', 'shared')?.metadata.ownerReferences?.map((r) => r.name)).toEqual([
        'other',
      ])
    })

    it('Orphan on an owner held by a finalizer orphans once the finalizer is gone', () => {
      const { store } = open()
      const owner = store.create<'ConfigMap'>(aConfigMap({ name: 'owner', finalizers: ['example.com/hold'] }))
      store.create<'ConfigMap'>(aConfigMap({ name: 'child', owners: [owner] }))
      const marked = store.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Orphan' })
      expect(marked.metadata.finalizers).toEqual(['example.com/hold', 'orphan'])
      store.update({ ...marked, metadata: { ...marked.metadata, finalizers: ['orphan'] } })
      expect(store.get('ConfigMap', 'default', 'owner')).toBeUndefined()
      expect(store.get('ConfigMap', 'default', 'child')?.metadata.ownerReferences).toBeUndefined()
    })
  })
}
