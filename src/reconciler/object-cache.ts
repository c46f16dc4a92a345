/**
 * @module
 * The controllers' read side: client-go's informer + lister + owner indexer in one object.
 *
 * It mirrors the chosen kinds through store.watch and indexes them by namespace/name and by
 * controller owner uid, so "the pods of this ReplicaSet" costs O(its pods), not a scan of
 * every pod. The store is synchronous and calls watch handlers right after each write, so the
 * cache is never behind the store; controllers read here and write to the store.
 *
 * Objects handed out are the cache's own: never mutate them (structuredClone first), as
 * sample-controller says of its listers.
 */
import type { AnyObject, Kind, KindMap } from '../api/types.ts'
import type { ObjectStore, Unsubscribe, WatchEventType } from '../store/types.ts'
import { controllerOf } from '../api/owner-refs.ts'
import { objectKey } from './keys.ts'

export interface CacheEvent {
  type: WatchEventType
  object: AnyObject
  /** The previous version, for MODIFIED and DELETED. */
  old?: AnyObject
}

export type CacheListener = (ev: CacheEvent) => void

/** The owner-index slot of objects without a controller (no uid contains a NUL). */
const NO_CONTROLLER = '\u0000uncontrolled'

interface KindIndex {
  byKey: Map<string, AnyObject>
  byOwner: Map<string, Map<string, AnyObject>>
}

export class ObjectCache {
  readonly #store: ObjectStore
  readonly #kinds = new Set<Kind>()
  readonly #index = new Map<Kind, KindIndex>()
  readonly #listeners = new Set<CacheListener>()
  #unwatch: Unsubscribe[] = []

  constructor(store: ObjectStore, kinds: Iterable<Kind> = []) {
    this.#store = store
    for (const kind of kinds) this.track(kind)
  }

  /** Adds a kind to mirror; only before start(). */
  track(kind: Kind): void {
    if (this.#unwatch.length > 0) throw new Error('object cache: track() after start()')
    if (this.#kinds.has(kind)) return
    this.#kinds.add(kind)
    this.#index.set(kind, { byKey: new Map(), byOwner: new Map() })
  }

  /** Subscribes to the store; the store replays every current object as ADDED first. */
  start(): void {
    if (this.#unwatch.length > 0) return
    for (const kind of this.#kinds) {
      this.#unwatch.push(this.#store.watch(kind, {}, (ev) => this.#apply(ev.type, ev.object)))
    }
  }

  stop(): void {
    for (const u of this.#unwatch) u()
    this.#unwatch = []
  }

  kinds(): ReadonlySet<Kind> {
    return this.#kinds
  }

  /** Listeners run synchronously after the cache has applied a change; they should only enqueue. */
  subscribe(listener: CacheListener): Unsubscribe {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): KindMap[K] | undefined {
    return this.#kindIndex(kind).byKey.get(`${namespace}/${name}`) as KindMap[K] | undefined
  }

  list<K extends Kind>(kind: K, namespace?: string): KindMap[K][] {
    const all = [...this.#kindIndex(kind).byKey.values()] as KindMap[K][]
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? 'default') === namespace)
  }

  /** Objects of `kind` whose controller ownerReference names `ownerUid`. */
  ownedBy<K extends Kind>(kind: K, ownerUid: string): KindMap[K][] {
    const owned = this.#kindIndex(kind).byOwner.get(ownerUid)
    return owned ? ([...owned.values()] as KindMap[K][]) : []
  }

  /** Objects of `kind` in `namespace` without a controller (adoption candidates). */
  uncontrolled<K extends Kind>(kind: K, namespace: string): KindMap[K][] {
    const owned = [...(this.#kindIndex(kind).byOwner.get(NO_CONTROLLER)?.values() ?? [])] as KindMap[K][]
    return owned.filter((o) => (o.metadata.namespace ?? 'default') === namespace)
  }

  #kindIndex(kind: Kind): KindIndex {
    const idx = this.#index.get(kind)
    if (!idx) throw new Error(`object cache does not hold kind ${kind}`)
    return idx
  }

  #apply(type: WatchEventType, object: AnyObject): void {
    const idx = this.#kindIndex(object.kind)
    const key = objectKey(object)
    const old = idx.byKey.get(key)
    const ownerUid = type === 'DELETED' ? undefined : (controllerOf(object)?.uid ?? NO_CONTROLLER)
    // Most changes keep the owner: replace in place rather than delete and re-add, which would
    // move the entry to the end of its owner's map and leave a hole for a rehash to clear.
    if (old && (ownerUid === undefined || (controllerOf(old)?.uid ?? NO_CONTROLLER) !== ownerUid))
      this.#unindexOwner(idx, key, old)
    if (ownerUid === undefined) {
      idx.byKey.delete(key)
    } else {
      idx.byKey.set(key, object)
      let owned = idx.byOwner.get(ownerUid)
      if (!owned) idx.byOwner.set(ownerUid, (owned = new Map()))
      owned.set(key, object)
    }
    const ev: CacheEvent = old ? { type, object, old } : { type, object }
    for (const l of this.#listeners) l(ev)
  }

  #unindexOwner(idx: KindIndex, key: string, old: AnyObject): void {
    const ownerUid = controllerOf(old)?.uid ?? NO_CONTROLLER
    const owned = idx.byOwner.get(ownerUid)
    owned?.delete(key)
    if (owned?.size === 0) idx.byOwner.delete(ownerUid)
  }
}
