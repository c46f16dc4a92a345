/**
 * Conformance cases for watch: initial state, replay from a resourceVersion, the bounded
 * history, filters and ordering. Run through runStoreConformance (store.case.test.ts).
 */
import { describe, expect, it } from 'vitest'
import type { Kind } from '../api/types.ts'
import type { WatchOptions } from './types.ts'
import { aConfigMap, aDeployment, aPod, submitted } from '../../test/support/builders.ts'
import { type MakeStore, recorder, useStores } from './testing.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'

export function runWatchConformance(make: MakeStore): void {
  const open = useStores(make)

  describe('watch', () => {
    it('without a resourceVersion, sends ADDED for existing objects, then live events', () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'b' }))
      store.create<'ConfigMap'>(aConfigMap({ name: 'a', namespace: 'prod' }))
      store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      const rec = recorder()
      store.watch('ConfigMap', {}, rec.handler)
      const b = store.get('ConfigMap', 'default', 'b')!
      store.update({ ...b, data: { k: 'changed' } })
      store.create<'ConfigMap'>(aConfigMap({ name: 'c' }))
      store.delete('ConfigMap', 'prod', 'a')
      expect(rec.lines()).toEqual([
        'ADDED ConfigMap default/b 1',
        'ADDED ConfigMap prod/a 2',
        'MODIFIED ConfigMap default/b 4',
        'ADDED ConfigMap default/c 5',
        'DELETED ConfigMap prod/a 6',
      ])
      expect(rec.events[2]?.object).toMatchObject({ data: { k: 'changed' } })
    })

    it('from a resourceVersion, replays exactly the later changes in order, then goes live', () => {
      const { store } = open()
      const a = store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      const from = store.currentResourceVersion()
      store.update({ ...a, data: { k: '2' } })
      store.create<'Deployment'>(submitted(aDeployment({ name: 'web' })))
      store.create<'ConfigMap'>(aConfigMap({ name: 'b' }))
      store.delete('ConfigMap', 'default', 'a')
      const rec = recorder()
      store.watch('ConfigMap', { resourceVersion: from }, rec.handler)
      store.create<'ConfigMap'>(aConfigMap({ name: 'c' }))
      expect(rec.lines()).toEqual([
        'MODIFIED ConfigMap default/a 2',
        'ADDED ConfigMap default/b 4',
        'DELETED ConfigMap default/a 5',
        'ADDED ConfigMap default/c 6',
      ])
      expect(rec.events[0]?.object).toMatchObject({ data: { k: '2' } })
    })

    it("from the list's resourceVersion misses nothing and repeats nothing", () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      const list = store.list('ConfigMap')
      store.create<'ConfigMap'>(aConfigMap({ name: 'b' }))
      const rec = recorder()
      store.watch('ConfigMap', { resourceVersion: list.resourceVersion }, rec.handler)
      expect(rec.lines()).toEqual(['ADDED ConfigMap default/b 2'])
    })

    it('from a resourceVersion older than the history fails with BATON_GONE', () => {
      const { store } = open({ historyLimit: 3 })
      for (const n of ['a', 'b', 'c', 'd', 'e']) store.create<'ConfigMap'>(aConfigMap({ name: n }))
      expect(thrownBatonError(() => store.watch('ConfigMap', { resourceVersion: '1' }, () => {}))).toMatchObject({
        code: 'BATON_GONE',
        message: 'too old resource version: 1 (2)',
      })
      const rec = recorder()
      store.watch('ConfigMap', { resourceVersion: '2' }, rec.handler)
      expect(rec.lines()).toEqual([
        'ADDED ConfigMap default/c 3',
        'ADDED ConfigMap default/d 4',
        'ADDED ConfigMap default/e 5',
      ])
    })

    it('refuses a resourceVersion that is not a number', () => {
      const { store } = open()
      expect(thrownBatonError(() => store.watch('Pod', { resourceVersion: 'abc' }, () => {}))).toMatchObject({
        code: 'BATON_BAD_REQUEST',
      })
    })

    // `live` is creation order; `initial` (watch from "0": current state) is kind, namespace, name order.
    const filters: { name: string; kind: Kind | undefined; opts: WatchOptions; live: string[]; initial: string[] }[] = [
      {
        name: 'kind',
        kind: 'Pod',
        opts: {},
        live: ['web-a', 'db-b', 'web-prod'],
        initial: ['db-b', 'web-a', 'web-prod'],
      },
      {
        name: 'every kind',
        kind: undefined,
        opts: {},
        live: ['cfg', 'web-a', 'db-b', 'web-prod'],
        initial: ['db-b', 'web-a', 'web-prod', 'cfg'],
      },
      { name: 'namespace', kind: 'Pod', opts: { namespace: 'prod' }, live: ['web-prod'], initial: ['web-prod'] },
      {
        name: 'label selector object',
        kind: 'Pod',
        opts: { labelSelector: { matchLabels: { app: 'web' } } },
        live: ['web-a', 'web-prod'],
        initial: ['web-a', 'web-prod'],
      },
      {
        name: 'label selector string',
        kind: 'Pod',
        opts: { labelSelector: 'app in (db)' },
        live: ['db-b'],
        initial: ['db-b'],
      },
      {
        name: 'namespace and labels',
        kind: undefined,
        opts: { namespace: 'default', labelSelector: 'app=web' },
        live: ['web-a'],
        initial: ['web-a'],
      },
    ]
    it.each(filters)('filters by $name, live and in replay alike', ({ kind, opts, live: want, initial }) => {
      const { store } = open()
      const live = recorder()
      store.watch(kind, opts, live.handler)
      store.create<'ConfigMap'>(aConfigMap({ name: 'cfg' }))
      store.create<'Pod'>(submitted(aPod({ name: 'web-a', scheduled: false, labels: { app: 'web' } })))
      store.create<'Pod'>(submitted(aPod({ name: 'db-b', scheduled: false, labels: { app: 'db' } })))
      store.create<'Pod'>(
        submitted(aPod({ name: 'web-prod', scheduled: false, namespace: 'prod', labels: { app: 'web' } })),
      )
      const replay = recorder()
      store.watch(kind, { ...opts, resourceVersion: '0' }, replay.handler)
      const fromStart = recorder()
      store.watch(kind, { ...opts, resourceVersion: '1' }, fromStart.handler)
      const names = (r: ReturnType<typeof recorder>) => r.events.map((e) => e.object.metadata.name)
      expect(names(live)).toEqual(want)
      expect(names(replay)).toEqual(initial)
      expect(names(fromStart)).toEqual(want.filter((n) => n !== 'cfg'))
    })

    it('stops delivering after unsubscribe', () => {
      const { store } = open()
      const rec = recorder()
      const stop = store.watch('ConfigMap', {}, rec.handler)
      store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      stop()
      store.create<'ConfigMap'>(aConfigMap({ name: 'b' }))
      stop()
      expect(rec.lines()).toEqual(['ADDED ConfigMap default/a 1'])
    })

    it('hands every subscriber the same frozen object, which no handler can change', () => {
      const { store } = open()
      const objects: object[] = []
      const errors: unknown[] = []
      store.watch('ConfigMap', {}, (ev) => {
        objects.push(ev.object)
        try {
          ev.object.metadata.name = 'mutated'
        } catch (err) {
          errors.push(err)
        }
      })
      store.watch('ConfigMap', {}, (ev) => void objects.push(ev.object))
      const created = store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      expect(objects).toHaveLength(2)
      expect(objects[0]).toBe(objects[1])
      expect(objects[0]).toEqual(created)
      expect(errors).toEqual([expect.any(TypeError)])
      expect(store.get('ConfigMap', 'default', 'a')?.metadata.name).toBe('a')
    })

    it('keeps order when a handler writes (its events queue behind the current ones)', () => {
      const { store } = open()
      const rec = recorder()
      store.watch('ConfigMap', {}, (ev) => {
        if (ev.object.metadata.name === 'a' && ev.type === 'ADDED')
          store.create<'ConfigMap'>(aConfigMap({ name: 'from-handler' }))
      })
      store.watch('ConfigMap', {}, rec.handler)
      store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      expect(rec.lines()).toEqual(['ADDED ConfigMap default/a 1', 'ADDED ConfigMap default/from-handler 2'])
    })

    it('sends no event for a failed write', () => {
      const { store } = open()
      store.create<'ConfigMap'>(aConfigMap({ name: 'a' }))
      const rec = recorder()
      store.watch(undefined, { resourceVersion: store.currentResourceVersion() }, rec.handler)
      thrownBatonError(() => store.create<'ConfigMap'>(aConfigMap({ name: 'a' })))
      thrownBatonError(() =>
        store.update({ ...aConfigMap({ name: 'a' }), metadata: { name: 'a', resourceVersion: '999' } }),
      )
      expect(rec.events).toEqual([])
    })
  })
}
