/**
 * The ObjectStore conformance suite: every implementation runs it from its own test file,
 * so the memory store used in controller tests is proven to behave like the SQLite one.
 * Deletion and watch cases live in store-delete.case.test.ts and store-watch.case.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { ConfigMap, Deployment, LabelSelector } from '../api/types.ts'

import { runDeleteConformance } from './store-delete.case.test.ts'
import { runWatchConformance } from './store-watch.case.test.ts'
import { aConfigMap, aDeployment, aPod, submitted } from '../../test/support/builders.ts'
import { type MakeStore, useStores } from './testing.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { formatTimestamp } from '../api/timestamps.ts'

export type { MakeStore, StoreHarness } from './testing.ts'

export function runStoreConformance(name: string, make: MakeStore): void {
  describe(`${name}: ObjectStore conformance`, () => {
    runCrudConformance(make)
    runDeleteConformance(make)
    runWatchConformance(make)
  })
}

function runCrudConformance(make: MakeStore): void {
  const open = useStores(make)

  describe('create', () => {
    it('assigns uid, creationTimestamp, generation 1, a resourceVersion and the default namespace', () => {
      const { store, clock } = open()
      const created = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      expect(created.metadata).toMatchObject({
        name: 'web',
        namespace: 'default',
        generation: 1,
        creationTimestamp: formatTimestamp(clock.now()),
        resourceVersion: store.currentResourceVersion(),
      })
      expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
      expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(store.get('Deployment', 'default', 'web')).toEqual(created)
    })

    it("drops the caller's server-owned fields", () => {
      const { store } = open()
      const cm = aConfigMap({ name: 'cfg' })
      cm.metadata = { ...cm.metadata, uid: 'mine', resourceVersion: '99', generation: 7, deletionTimestamp: 'x' }
      const created = store.create(cm)
      expect(created.metadata.uid).not.toBe('mine')
      expect(created.metadata).toMatchObject({ resourceVersion: '1', generation: 1 })
      expect(created.metadata.deletionTimestamp).toBeUndefined()
    })

    it('refuses a name that exists, without writing', () => {
      const { store } = open()
      store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      const rv = store.currentResourceVersion()
      expect(
        thrownBatonError(() => store.create<'Deployment'>(submitted(aDeployment({ name: 'web', replicas: 5 })))),
      ).toMatchObject({
        code: 'BATON_ALREADY_EXISTS',
        message: 'deployments.apps "web" already exists',
      })
      expect(store.currentResourceVersion()).toBe(rv)
      expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(1)
    })

    it('allows the same name in another namespace or of another kind', () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'web' }))
      store.create<'ConfigMap'>(aConfigMap({ name: 'web', namespace: 'prod' }))
      store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      expect(store.list('ConfigMap').items).toHaveLength(2)
    })

    it('refuses an object without a name', () => {
      const { store } = open()
      expect(thrownBatonError(() => store.create<'ConfigMap'>(aConfigMap({ name: '' })))).toMatchObject({
        code: 'BATON_INVALID',
        message: 'configmaps: metadata.name: Required value',
      })
    })
  })

  describe('get and list', () => {
    it('gets by namespace and name, undefined when absent', () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'cfg', namespace: 'prod' }))
      expect(store.get('ConfigMap', 'prod', 'cfg')?.metadata.name).toBe('cfg')
      expect(store.get('ConfigMap', 'default', 'cfg')).toBeUndefined()
      expect(store.get('Deployment', 'prod', 'cfg')).toBeUndefined()
    })

    it('lists one namespace, or all of them ordered by namespace then name', () => {
      const { store } = open()
      for (const [ns, n] of [
        ['prod', 'b'],
        ['dev', 'z'],
        ['prod', 'a'],
        ['default', 'm'],
      ] as const) {
        store.create<'ConfigMap'>(aConfigMap({ name: n, namespace: ns }))
      }
      store.create<'Deployment'>(submitted(aDeployment({ name: 'other', namespace: 'prod' })))
      const names = (items: ConfigMap[]) => items.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)
      expect(names(store.list('ConfigMap', { namespace: 'prod' }).items)).toEqual(['prod/a', 'prod/b'])
      expect(names(store.list('ConfigMap').items)).toEqual(['default/m', 'dev/z', 'prod/a', 'prod/b'])
      expect(store.list('ConfigMap', { namespace: 'none' }).items).toEqual([])
    })

    it("carries the store's resourceVersion", () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      expect(store.list('ConfigMap').resourceVersion).toBe('2')
    })

    const selectors: { name: string; selector: LabelSelector | string; want: string[] }[] = [
      { name: 'matchLabels', selector: { matchLabels: { app: 'web' } }, want: ['web-1', 'web-2'] },
      { name: 'a string equality', selector: 'app=web,tier=front', want: ['web-1'] },
      { name: 'a string inequality', selector: 'app!=web', want: ['db', 'plain'] },
      {
        name: 'In expression',
        selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
        want: ['db', 'web-2'],
      },
      { name: 'an exists string', selector: 'tier', want: ['db', 'web-1', 'web-2'] },
      { name: 'a does-not-exist string', selector: '!tier', want: ['plain'] },
      { name: 'the empty selector', selector: {}, want: ['db', 'plain', 'web-1', 'web-2'] },
    ]
    it.each(selectors)('filters by label selector: $name', ({ selector, want }) => {
      const { store } = open()
      store.create<'Pod'>(submitted(aPod({ name: 'web-1', scheduled: false, labels: { app: 'web', tier: 'front' } })))
      store.create<'Pod'>(submitted(aPod({ name: 'web-2', scheduled: false, labels: { app: 'web', tier: 'back' } })))
      store.create<'Pod'>(submitted(aPod({ name: 'db', scheduled: false, labels: { app: 'db', tier: 'back' } })))
      store.create<'Pod'>(submitted(aPod({ name: 'plain', scheduled: false, labels: {} })))
      expect(store.list('Pod', { labelSelector: selector }).items.map((p) => p.metadata.name)).toEqual(want)
    })
  })

  describe('update', () => {
    it('refuses a stale resourceVersion with a conflict and changes nothing', () => {
      const { store } = open()
      const first = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      store.update({ ...first, spec: { ...first.spec, replicas: 2 } })
      const rv = store.currentResourceVersion()
      expect(thrownBatonError(() => store.update({ ...first, spec: { ...first.spec, replicas: 9 } }))).toMatchObject({
        code: 'BATON_CONFLICT',
        message:
          'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; ' +
          'please apply your changes to the latest version and try again',
      })
      expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(2)
      expect(store.currentResourceVersion()).toBe(rv)
    })

    it('without a resourceVersion, the last write wins', () => {
      const { store } = open()
      const first = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      store.update({ ...first, spec: { ...first.spec, replicas: 2 } })
      const blind = submitted(aDeployment({ name: 'web', replicas: 7 }))
      const updated = store.update<'Deployment'>(blind)
      expect(updated.spec.replicas).toBe(7)
      expect(updated.metadata.uid).toBe(first.metadata.uid)
      expect(updated.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp)
    })

    it('refuses an object that names another uid (the name was deleted and created again)', () => {
      const { store } = open()
      const old = store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
      store.delete('ConfigMap', 'default', 'cfg')
      store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
      const { resourceVersion: _, ...metadata } = old.metadata
      expect(thrownBatonError(() => store.update({ ...old, metadata }))).toMatchObject({ code: 'BATON_CONFLICT' })
    })

    it('fails on a missing object, naming it', () => {
      const { store } = open()
      expect(thrownBatonError(() => store.update<'Deployment'>(submitted(aDeployment({ name: 'web' }))))).toMatchObject(
        {
          code: 'BATON_NOT_FOUND',
          message: 'deployments.apps "web" not found',
          hint: expect.stringContaining('-n default'),
        },
      )
    })

    const generationCases: { name: string; change: (d: Deployment) => void; generation: number }[] = [
      { name: 'a spec change bumps', change: (d) => void (d.spec.replicas = 3), generation: 2 },
      {
        name: 'a template change bumps',
        change: (d) => void (d.spec.template.spec.containers[0]!.image = 'web:2'),
        generation: 2,
      },
      { name: 'a label change does not', change: (d) => void (d.metadata.labels = { team: 'a' }), generation: 1 },
      {
        name: 'an annotation change does not',
        change: (d) => void (d.metadata.annotations = { note: 'x' }),
        generation: 1,
      },
      { name: 'a finalizer change does not', change: (d) => void (d.metadata.finalizers = ['x/y']), generation: 1 },
      {
        name: 'key order alone does not',
        change: (d) => void (d.spec = Object.fromEntries(Object.entries(d.spec).reverse()) as typeof d.spec),
        generation: 1,
      },
    ]
    it.each(generationCases)('generation: $name', ({ change, generation }) => {
      const { store } = open()
      const d = structuredClone(store.create<'Deployment'>(submitted(aDeployment({ name: 'web' }))))
      change(d)
      expect(store.update(d).metadata.generation).toBe(generation)
    })

    it('takes labels, annotations, ownerReferences and finalizers from the caller', () => {
      const { store } = open()
      const owner = store.create<'ConfigMap'>(aConfigMap({ name: 'owner' }))
      const d = structuredClone(store.create<'Deployment'>(submitted(aDeployment({ name: 'web', labels: { a: '1' } }))))
      d.metadata.labels = { b: '2' }
      d.metadata.annotations = { note: 'x' }
      d.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }]
      d.metadata.finalizers = ['example.com/hold']
      const updated = store.update(d)
      expect(updated.metadata).toMatchObject({
        labels: { b: '2' },
        annotations: { note: 'x' },
        ownerReferences: d.metadata.ownerReferences,
        finalizers: ['example.com/hold'],
      })
    })

    it('ignores status', () => {
      const { store } = open()
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      store.updateStatus({ ...d, status: { replicas: 1 } })
      const fresh = store.get('Deployment', 'default', 'web')!
      const updated = store.update<'Deployment'>({
        ...fresh,
        spec: { ...fresh.spec, replicas: 4 },
        status: { replicas: 99 },
      })
      expect(updated.status).toEqual({ replicas: 1 })
      expect(updated.spec.replicas).toBe(4)
    })

    it('writes nothing when nothing changes (same resourceVersion)', () => {
      const { store } = open()
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      expect(store.update(d)).toEqual(d)
      expect(store.currentResourceVersion()).toBe(d.metadata.resourceVersion)
    })
  })

  describe('updateStatus', () => {
    it('changes only status, never generation', () => {
      const { store } = open()
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web', labels: { a: '1' } })))
      const updated = store.updateStatus<'Deployment'>({
        ...d,
        metadata: { ...d.metadata, labels: { changed: 'yes' } },
        spec: { ...d.spec, replicas: 50 },
        status: { observedGeneration: 1, replicas: 1 },
      })
      expect(updated.status).toEqual({ observedGeneration: 1, replicas: 1 })
      expect(updated.spec.replicas).toBe(1)
      expect(updated.metadata.labels).toEqual({ a: '1' })
      expect(updated.metadata.generation).toBe(1)
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(d.metadata.resourceVersion))
    })

    it('compares and swaps on resourceVersion too', () => {
      const { store } = open()
      const d = store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      store.updateStatus({ ...d, status: { replicas: 1 } })
      expect(thrownBatonError(() => store.updateStatus({ ...d, status: { replicas: 2 } }))).toMatchObject({
        code: 'BATON_CONFLICT',
      })
    })
  })

  describe('snapshots and versions', () => {
    it('returned objects are frozen; mutating throws; the store is unchanged', () => {
      const { store } = open()
      const created = store.create<'Deployment'>(submitted(aDeployment({ name: 'web', labels: { a: '1' } })))
      const results = [
        created,
        store.get('Deployment', 'default', 'web')!,
        store.list('Deployment').items[0]!,
        store.updateStatus<'Deployment'>({ ...created, status: { replicas: 1 } }),
        store.delete<'ConfigMap'>(
          'ConfigMap',
          'default',
          store.create<'ConfigMap'>(aConfigMap({ name: 'c' })).metadata.name,
        ),
      ]
      for (const obj of results) expect(Object.isFrozen(obj) && Object.isFrozen(obj.metadata)).toBe(true)
      const mutations: (() => void)[] = [
        () => void (created.spec.replicas = 100),
        () => void (created.metadata.labels!.a = 'mutated'),
        () => void (store.get('Deployment', 'default', 'web')!.spec.template.spec.containers[0]!.image = 'evil'),
        () =>
          void store
            .get<'Deployment'>('Deployment', 'default', 'web')!
            .spec.template.spec.containers.push({ name: 'x', image: 'x' }),
        () => void (store.list('Deployment').items[0]!.metadata.annotations = { note: 'x' }),
        () => void delete (store.get('Deployment', 'default', 'web') as { status?: unknown }).status,
      ]
      for (const mutate of mutations) expect(mutate).toThrow(TypeError)
      expect(store.get('Deployment', 'default', 'web')).toMatchObject({
        metadata: { labels: { a: '1' } },
        spec: { replicas: 1, template: { spec: { containers: [{ image: 'app:v2' }] } } },
        status: { replicas: 1 },
      })
      expect(store.get('Deployment', 'default', 'web')?.metadata.annotations).toBeUndefined()
    })

    it('a structuredClone of a result can be changed and written back', () => {
      const { store } = open()
      const copy = structuredClone(store.create<'Deployment'>(submitted(aDeployment({ name: 'web' }))))
      copy.spec.replicas = 3
      expect(store.update<'Deployment'>(copy).spec.replicas).toBe(3)
      expect(store.get<'Deployment'>('Deployment', 'default', 'web')?.spec.replicas).toBe(3)
    })

    it('does not freeze the caller’s object (it may keep editing what it passed in)', () => {
      const { store } = open()
      const input = submitted(aDeployment({ name: 'web' }))
      store.create(input)
      store.update({ ...input, spec: { ...input.spec, replicas: 2 } })
      expect(Object.isFrozen(input) || Object.isFrozen(input.spec.template)).toBe(false)
    })

    it('does not keep the caller’s object: mutating it after create changes nothing', () => {
      const { store } = open()
      const input = submitted(aDeployment({ name: 'web' }))
      store.create(input)
      input.spec.replicas = 42
      expect(store.get('Deployment', 'default', 'web')?.spec.replicas).toBe(1)
    })

    it('takes one global, strictly increasing resourceVersion across kinds', () => {
      const { store } = open()
      const rvs = [
        store.create<'ConfigMap'>(aConfigMap({ name: 'a' })),
        store.create<'Deployment'>(submitted(aDeployment({ name: 'web' }))),
        store.create<'Pod'>(submitted(aPod({ name: 'p', scheduled: false }))),
        store.updateStatus({ ...submitted(aPod({ name: 'p', scheduled: false })), status: { phase: 'Running' } }),
        store.delete('ConfigMap', 'default', 'a'),
      ].map((o) => Number(o.metadata.resourceVersion))
      expect(rvs).toEqual([1, 2, 3, 4, 5])
      expect(store.currentResourceVersion()).toBe('5')
    })

    it('refuses every call once closed', () => {
      const { store } = open()
      store.close()
      expect(thrownBatonError(() => store.get('Pod', 'default', 'p'))).toMatchObject({ code: 'BATON_STORE' })
      expect(
        thrownBatonError(() => store.create<'Pod'>(submitted(aPod({ name: 'p', scheduled: false })))),
      ).toMatchObject({ code: 'BATON_STORE' })
    })
  })
}
