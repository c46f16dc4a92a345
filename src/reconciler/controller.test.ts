import { describe, expect, it } from 'vitest'
import { aDeployment, aPod, aReplicaSet } from '../../test/support/builders.ts'
import type { AnyObject, Kind } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { FakeClock } from '../platform/clock.ts'
import { createLogger, silentLogger } from '../platform/logger.ts'
import type { ObjectStore, WatchEvent, WatchEventType } from '../store/types.ts'
import {
  type Controller,
  ControllerRunner,
  type ReconcileResult,
  TerminalError,
  isTerminalError,
  enqueueController,
  enqueueGrandController,
  enqueueSelf,
  onlyTypes,
  specChanged,
} from './controller.ts'
import { renderReconcileTotals } from './metrics.ts'
import { ObjectCache } from './object-cache.ts'

/** Only what ObjectCache uses of a store: watch, with events pushed by the test. */
function watchSource(initial: AnyObject[] = []) {
  const handlers = new Map<Kind, Array<(ev: WatchEvent) => void>>()
  const store = {
    watch(kind: Kind, _opts: unknown, handler: (ev: WatchEvent) => void) {
      handlers.set(kind, [...(handlers.get(kind) ?? []), handler])
      for (const o of initial) if (o.kind === kind) handler({ type: 'ADDED', object: o })
      return () => {}
    },
  } as unknown as ObjectStore
  const emit = (type: WatchEventType, object: AnyObject) => {
    for (const h of handlers.get(object.kind) ?? []) h({ type, object })
  }
  return { store, emit }
}

function recordingController(
  watches: Controller['watches'],
  behave: (key: string, n: number) => ReconcileResult | void = () => {},
) {
  const seen: string[] = []
  const controller: Controller = {
    name: 'test',
    watches,
    reconcile(key) {
      seen.push(key)
      return behave(key, seen.filter((k) => k === key).length)
    },
  }
  return { controller, seen }
}

const deployment = { ...aDeployment({ name: 'web' }), metadata: { ...aDeployment().metadata, uid: 'uid-web' } }
const rs = aReplicaSet({ name: 'web-abc', replicas: 3, owner: deployment })
const pod = aPod({ name: 'web-abc-x1', owner: rs, phase: null })

function setup(
  watches: Controller['watches'],
  behave?: (key: string, n: number) => ReconcileResult | void,
  logger = silentLogger,
) {
  const clock = new FakeClock(0)
  const src = watchSource([deployment, rs, pod])
  const cache = new ObjectCache(src.store, ['Deployment', 'ReplicaSet', 'Pod'])
  cache.start()
  const { controller, seen } = recordingController(watches, behave)
  const runner = new ControllerRunner(controller, { cache, clock, logger })
  return { clock, src, cache, runner, seen }
}

describe('ControllerRunner', () => {
  it('enqueues every existing object on start, mapped through owner references', () => {
    const { runner, seen } = setup([enqueueSelf('ReplicaSet'), enqueueController('Pod', 'ReplicaSet')])
    runner.start()
    runner.runUntilIdle()
    expect(seen).toEqual(['default/web-abc'])
  })

  it('maps a pod to its deployment through the cached ReplicaSet', () => {
    const { runner, seen, src } = setup([enqueueGrandController('Pod', 'ReplicaSet', 'Deployment')])
    runner.start()
    runner.runUntilIdle()
    src.emit('MODIFIED', { ...pod, status: { phase: 'Running' } })
    runner.runUntilIdle()
    expect(seen).toEqual(['default/web', 'default/web'])
  })

  it('passes only the changes its predicate accepts', () => {
    const { runner, seen, src } = setup([
      enqueueGrandController('Pod', 'ReplicaSet', 'Deployment', onlyTypes('DELETED')),
    ])
    runner.start()
    runner.runUntilIdle()
    src.emit('MODIFIED', { ...pod, status: { phase: 'Running' } })
    expect(runner.runUntilIdle()).toBe(0)
    src.emit('DELETED', pod)
    runner.runUntilIdle()
    expect(seen).toEqual(['default/web', 'default/web'])
  })

  it.each([
    { name: 'a status-only write', change: { status: { replicas: 3 } }, passes: false },
    { name: 'a spec change (generation)', change: { metadata: { ...rs.metadata, generation: 2 } }, passes: true },
    {
      name: 'a deletion mark',
      change: { metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
      passes: true,
    },
    { name: 'a label change', change: { metadata: { ...rs.metadata, labels: { app: 'x' } } }, passes: true },
  ])('specChanged: $name → $passes', ({ change, passes }) => {
    expect(specChanged({ type: 'MODIFIED', old: rs, object: { ...rs, ...change } as AnyObject })).toBe(passes)
  })

  it('deduplicates a burst of changes into one reconcile', () => {
    const { runner, seen, src } = setup([enqueueController('Pod', 'ReplicaSet')])
    runner.start()
    runner.runUntilIdle()
    for (let i = 0; i < 5; i++) src.emit('MODIFIED', pod)
    expect(runner.runUntilIdle()).toBe(1)
    expect(seen).toHaveLength(2)
  })

  it('drains by itself on the clock once started', () => {
    const { runner, seen, clock } = setup([enqueueSelf('Deployment')])
    runner.start()
    expect(seen).toEqual([])
    clock.advance(0)
    expect(seen).toEqual(['default/web'])
  })

  it('requeues after requeueAfterMs', () => {
    const { runner, seen, clock } = setup([enqueueSelf('Deployment')], (_k, n) =>
      n === 1 ? { requeueAfterMs: 1000 } : undefined,
    )
    runner.start()
    clock.advance(999)
    expect(seen).toHaveLength(1)
    clock.advance(1)
    expect(seen).toHaveLength(2)
  })

  it.each([
    { name: 'an ordinary error', err: new Error('boom'), retried: true },
    { name: 'a conflict', err: new BatonError('BATON_CONFLICT', 'stale'), retried: true },
    { name: 'a terminal error', err: new TerminalError('bad spec'), retried: false },
  ])('after $name: retried=$retried with 5 ms back-off', ({ err, retried }) => {
    const { runner, seen, clock } = setup([enqueueSelf('Deployment')], (_k, n) => {
      if (n === 1) throw err
    })
    runner.start()
    clock.advance(0)
    clock.advance(4)
    expect(seen).toHaveLength(1)
    clock.advance(1)
    expect(seen).toHaveLength(retried ? 2 : 1)
    expect(runner.queue.numRequeues('default/web')).toBe(0)
  })

  it.each([
    {
      name: 'a TerminalError wrapped in an Error',
      err: new Error('sync failed', { cause: new TerminalError('bad spec') }),
      terminal: true,
    },
    {
      name: 'a TerminalError two causes down',
      err: new Error('a', { cause: new Error('b', { cause: new TerminalError('c') }) }),
      terminal: true,
    },
    { name: 'an Error wrapping an ordinary one', err: new Error('a', { cause: new Error('b') }), terminal: false },
    { name: 'a non-error', err: 'boom', terminal: false },
  ])('isTerminalError: $name → $terminal', ({ err, terminal }) => {
    expect(isTerminalError(err)).toBe(terminal)
  })

  it('does not retry an error whose cause chain holds a TerminalError', () => {
    const { runner, seen, clock } = setup([enqueueSelf('Deployment')], (_k, n) => {
      if (n === 1) throw new Error('sync failed', { cause: new TerminalError('bad spec') })
    })
    runner.start()
    clock.advance(1000)
    expect(seen).toHaveLength(1)
  })

  it('counts each outcome as controller-runtime does (success, error, requeue, requeue_after)', () => {
    const outcomes: Array<() => ReconcileResult | void> = [
      () => {
        throw new Error('boom')
      },
      () => ({ requeue: true }),
      () => ({ requeueAfterMs: 50 }),
      () => undefined,
    ]
    const { runner, seen, clock } = setup([enqueueSelf('Deployment')], (_k, n) => outcomes[n - 1]?.())
    runner.start()
    clock.advance(1000)
    expect(seen).toHaveLength(4)
    expect(runner.outcomes).toEqual({ success: 1, error: 1, requeue: 1, requeue_after: 1 })
    expect(renderReconcileTotals([{ controller: 'test', counts: runner.outcomes }])).toContain(
      'controller_runtime_reconcile_total{controller="test",result="requeue_after"} 1\n',
    )
  })

  it('hands each reconcile a logger carrying the controller, the key and its reconcile id', () => {
    const lines: string[] = []
    const logger = createLogger({ write: (l) => lines.push(l), now: () => 0 })
    const clock = new FakeClock(0)
    const src = watchSource([deployment])
    const cache = new ObjectCache(src.store, ['Deployment'])
    cache.start()
    const controller: Controller = {
      name: 'test',
      watches: [enqueueSelf('Deployment')],
      reconcile: (_key, ctx) => ctx.logger.info('synced', { n: ctx.reconcileId, debug: ctx.debug }),
    }
    const runner = new ControllerRunner(controller, { cache, clock, logger })
    runner.start()
    runner.runUntilIdle()
    src.emit('MODIFIED', deployment)
    runner.runUntilIdle()
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { msg: 'synced', controller: 'test', key: 'default/web', reconcileId: 1, n: 1, debug: false },
      { msg: 'synced', controller: 'test', key: 'default/web', reconcileId: 2, n: 2 },
    ])
  })

  it('stops enqueuing after stop()', () => {
    const { runner, seen, clock, src } = setup([enqueueSelf('Deployment')])
    runner.start()
    runner.stop()
    src.emit('MODIFIED', deployment)
    clock.advance(10)
    expect(seen).toEqual([])
  })
})

describe('ObjectCache', () => {
  it('indexes by controller owner and follows changes and deletions', () => {
    const { cache, src } = setup([])
    expect(cache.ownedBy('Pod', 'uid-web-abc').map((p) => p.metadata.name)).toEqual(['web-abc-x1'])
    const orphan = { ...pod, metadata: { ...pod.metadata, ownerReferences: [] } }
    src.emit('MODIFIED', orphan)
    expect(cache.ownedBy('Pod', 'uid-web-abc')).toEqual([])
    src.emit('DELETED', orphan)
    expect(cache.get('Pod', 'default', 'web-abc-x1')).toBeUndefined()
    expect(cache.list('ReplicaSet', 'default')).toHaveLength(1)
    expect(cache.list('ReplicaSet', 'other')).toHaveLength(0)
  })
})
