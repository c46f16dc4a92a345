/**
 * @module
 * Builders and harness for the store conformance suite (store*.case.test.ts): minimal valid
 * objects of each kind and a watch recorder. Test-only; nothing in the daemon imports this.
 */
import { afterEach } from 'vitest'
import type { AnyObject, ConfigMap, Deployment, OwnerReference, Pod, ReplicaSet } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import type { ObjectStore, WatchEvent } from './types.ts'

export interface StoreHarness {
  store: ObjectStore
  clock: FakeClock
  cleanup?: () => void
}

/**
 * Makes a fresh, empty store; `historyLimit` as in createMemoryStore/openSqliteStore, `clock`
 * to use instead of a new FakeClock.
 */
export type MakeStore = (opts?: { historyLimit?: number; clock?: FakeClock }) => StoreHarness

/** Returns an opener whose stores are closed and cleaned up after each test. */
export function useStores(make: MakeStore): MakeStore {
  const opened: StoreHarness[] = []
  afterEach(() => {
    for (const h of opened.splice(0)) {
      h.store.close()
      h.cleanup?.()
    }
  })
  return (opts) => {
    const h = make(opts)
    opened.push(h)
    return h
  }
}

interface MetaOpts {
  namespace?: string
  labels?: Record<string, string>
  owners?: AnyObject[]
  finalizers?: string[]
}

function meta(name: string, o: MetaOpts): AnyObject['metadata'] {
  return {
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
    ...(o.owners ? { ownerReferences: o.owners.map(ownerRef) } : {}),
    ...(o.finalizers ? { finalizers: o.finalizers } : {}),
  }
}

export function ownerRef(owner: AnyObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  }
}

export function aConfigMap(name: string, o: MetaOpts & { data?: Record<string, string> } = {}): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, o), data: o.data ?? { key: 'value' } }
}

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image }] },
})

export function aDeployment(name: string, o: MetaOpts & { replicas?: number; image?: string } = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, o),
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image ?? 'web:1'),
    },
  }
}

export function aReplicaSet(name: string, o: MetaOpts & { replicas?: number } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(name, o),
    spec: { replicas: o.replicas ?? 1, selector: { matchLabels: { app: 'web' } }, template: template('web:1') },
  }
}

export function aPod(name: string, o: MetaOpts & { nodeName?: string; grace?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, o),
    spec: {
      containers: [{ name: 'app', image: 'web:1' }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}),
    },
  }
}

/** A FakeClock that throws from now() once `trip(n)` has allowed n more reads: a failure mid-write. */
export class TrippingClock extends FakeClock {
  #reads: number | undefined
  trip(afterReads: number): void {
    this.#reads = afterReads
  }
  override now(): number {
    if (this.#reads !== undefined && this.#reads-- <= 0) throw new Error('clock tripped')
    return super.now()
  }
}

/** Records watch events; `lines()` renders them as "TYPE Kind namespace/name rv". */
export function recorder() {
  const events: WatchEvent[] = []
  return {
    events,
    handler: (ev: WatchEvent) => void events.push(ev),
    lines: () =>
      events.map(
        ({ type, object: o }) =>
          `${type} ${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${o.metadata.resourceVersion}`,
      ),
  }
}
