/**
 * @module
 * The ObjectStore's semantics (see types.ts), written once over a row-level StoreBackend:
 * resourceVersion assignment, CAS, graceful and finalizer deletion, cascading delete and
 * watch. memory/ and sqlite/ only supply the backend.
 *
 * Each public write is one backend transaction, cascade included; its events are published
 * after the transaction commits, so a handler never sees a write that could still roll back.
 *
 * Every object the store hands out is deeply frozen and shared: a write builds one frozen
 * version (sharing its unchanged parts with the version before, see frozen-copy.ts) that the
 * writer, every watcher and every later reader receive, instead of a fresh copy per watcher
 * and per read, whose garbage would set the control plane's peak memory (docs/benchmarks.md,
 * "Control plane").
 */
import { isKind, KINDS } from '../api/resources.ts'
import type { AnyObject, Kind, KindMap, OwnerReference } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { Clock } from '../platform/clock.ts'
import type { IdSource } from '../platform/ids.ts'
import type { ObjectKey, StoreBackend } from './backend.ts'
import {
  storedNamespace,
  FOREGROUND_FINALIZER,
  isReadyToRemove,
  jsonEqual,
  labelFilter,
  mergeStatus,
  mergeUpdate,
  ownerUids,
  planDeletion,
  removalPolicy,
  stampCreated,
  withoutFinalizer,
  withoutOwners,
} from './object-rules.ts'
import {
  alreadyExists,
  badResourceVersion,
  conflict,
  gone,
  missingName,
  notFound,
  storeClosed,
  uidMismatch,
} from './store-errors.ts'
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  ObjectStore,
  Unsubscribe,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.ts'
import { frozenCopy } from './frozen-copy.ts'
import { deliver, type HubEvent, WatchHub } from './watch-hub.ts'

export interface StoreOptions {
  clock: Clock
  ids: IdSource
  /** How many changes watch can replay (default 10000): older resourceVersions get BATON_GONE. */
  historyLimit?: number
}

export const DEFAULT_HISTORY_LIMIT = 10_000

export function createStore(backend: StoreBackend, opts: StoreOptions): ObjectStore {
  return new StoreEngine(backend, opts)
}

/** Parses a resourceVersion for watch; '' and '0' mean "no version" as in Kubernetes. */
function parseWatchVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined
  if (!/^\d+$/.test(rv)) throw badResourceVersion(rv)
  return Number(rv)
}

/** The row key of an object the engine built (its namespace already defaulted). */
function rowKey(obj: AnyObject): ObjectKey {
  return { kind: obj.kind, namespace: storedNamespace(obj), name: obj.metadata.name }
}

function keyOf(obj: AnyObject): ObjectKey {
  if (!isKind(obj.kind)) {
    throw new BatonError('BATON_UNKNOWN_KIND', `no kind "${String(obj.kind)}" is registered`, {
      hint: 'Use apps/v1 Deployment, ReplicaSet or StatefulSet, or v1 Pod, Service, ConfigMap',
    })
  }
  if (!obj.metadata?.name) throw missingName(obj.kind)
  return { kind: obj.kind, namespace: storedNamespace(obj), name: obj.metadata.name }
}

class StoreEngine implements ObjectStore {
  readonly #backend: StoreBackend
  readonly #clock: Clock
  readonly #ids: IdSource
  readonly #keep: number
  readonly #pruneEvery: number
  readonly #hub = new WatchHub()
  #rv: number
  #pending: HubEvent[] = []
  #closed = false

  constructor(backend: StoreBackend, opts: StoreOptions) {
    this.#backend = backend
    this.#clock = opts.clock
    this.#ids = opts.ids
    this.#keep = Math.max(1, opts.historyLimit ?? DEFAULT_HISTORY_LIMIT)
    // Pruning in batches of an eighth of the history keeps the per-write cost to the append
    // (one page in SQLite) while never holding more than 1.125 x historyLimit changes.
    this.#pruneEvery = Math.floor(this.#keep / 8) + 1
    this.#rv = backend.maxResourceVersion()
  }

  create<K extends Kind>(obj: KindMap[K]): KindMap[K] {
    const { kind, namespace, name } = keyOf(obj)
    return this.#write(() => {
      if (this.#backend.read(kind, namespace, name) !== undefined) throw alreadyExists(kind, name)
      const next = stampCreated(obj, this.#ids.uid(), this.#clock.now())
      return this.#put(next, 'ADDED', undefined) as KindMap[K]
    })
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): KindMap[K] | undefined {
    this.#assertOpen()
    return this.#backend.read(kind, namespace, name) as KindMap[K] | undefined
  }

  list<K extends Kind>(kind: K, opts: ListOptions = {}): ListResult<K> {
    this.#assertOpen()
    const matches = labelFilter(opts.labelSelector)
    const items = this.#backend.readAll(kind, opts.namespace).filter((o) => matches(o.metadata.labels))
    return { items: items as KindMap[K][], resourceVersion: String(this.#rv) }
  }

  update<K extends Kind>(obj: KindMap[K]): KindMap[K] {
    const key = keyOf(obj)
    return this.#write(() => {
      const current = this.#current(key, obj)
      const { next, changed } = mergeUpdate(current, obj)
      if (!changed) return current
      // Removing the last finalizer of a marked object removes it, as the API server does.
      if (isReadyToRemove(next)) return this.#remove(next, removalPolicy(next), current)
      return this.#put(next, 'MODIFIED', current)
    }) as KindMap[K]
  }

  updateStatus<K extends Kind>(obj: KindMap[K]): KindMap[K] {
    const key = keyOf(obj)
    return this.#write(() => {
      const current = this.#current(key, obj)
      const { next, changed } = mergeStatus(current, obj)
      return changed ? this.#put(next, 'MODIFIED', current) : current
    }) as KindMap[K]
  }

  delete<K extends Kind>(kind: K, namespace: string, name: string, opts: DeleteOptions = {}): KindMap[K] {
    return this.#write(() => {
      const current = this.#backend.read(kind, namespace, name)
      if (current === undefined) throw notFound(kind, namespace, name)
      if (opts.resourceVersion && opts.resourceVersion !== current.metadata.resourceVersion) throw conflict(kind, name)
      return this.#delete(current, opts)
    }) as KindMap[K]
  }

  watch<K extends Kind>(kind: K | undefined, opts: WatchOptions, handler: (ev: WatchEvent<K>) => void): Unsubscribe {
    this.#assertOpen()
    const filter = { kind, namespace: opts.namespace, labels: labelFilter(opts.labelSelector) }
    const from = parseWatchVersion(opts.resourceVersion)
    const send = handler as (ev: WatchEvent) => void
    const seen = Math.max(from ?? 0, this.#rv)
    if (from !== undefined && from < this.#rv) {
      const oldest = this.#backend.oldestChange() ?? this.#rv + 1
      if (from < oldest - 1) throw gone(from, oldest)
    }
    // Replay and subscribe while the hub holds delivery, so that anything a handler writes
    // during the replay reaches this subscriber after it, in order.
    return this.#hub.hold(() => {
      const initial: WatchEvent[] = []
      if (from === undefined) {
        for (const k of kind ? [kind] : KINDS) {
          for (const object of this.#backend.readAll(k, opts.namespace)) initial.push({ type: 'ADDED', object })
        }
      } else {
        for (const c of this.#backend.changesAfter(from, kind)) {
          if (filter.namespace === undefined || c.namespace === filter.namespace) {
            initial.push({ type: c.type, object: c.object })
          }
        }
      }
      for (const ev of initial) {
        if (filter.labels(ev.object.metadata.labels)) deliver(send, ev)
      }
      return this.#hub.subscribe(filter, send, seen)
    })
  }

  currentResourceVersion(): string {
    return String(this.#rv)
  }

  flush(): void {
    this.#backend.flush()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#hub.close()
    this.#backend.close()
  }

  // Private

  #assertOpen(): void {
    if (this.#closed) throw storeClosed()
  }

  /** Runs one write transaction, then publishes its events. */
  #write<T>(fn: () => T): T {
    this.#assertOpen()
    const rvBefore = this.#rv
    let result: T
    try {
      result = this.#backend.transaction(fn)
    } catch (err) {
      this.#rv = rvBefore
      this.#pending = []
      throw err
    }
    const events = this.#pending
    this.#pending = []
    if (events.length > 0) this.#hub.publish(events)
    return result
  }

  /** The stored object an update names, after its resourceVersion and uid preconditions. */
  #current(key: ObjectKey, incoming: AnyObject): AnyObject {
    const current = this.#backend.read(key.kind, key.namespace, key.name)
    if (current === undefined) throw notFound(key.kind, key.namespace, key.name)
    const { resourceVersion, uid } = incoming.metadata
    if (uid && current.metadata.uid && uid !== current.metadata.uid) {
      throw uidMismatch(key.kind, key.name, uid, current.metadata.uid)
    }
    if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) throw conflict(key.kind, key.name)
    return current
  }

  /**
   * Writes `obj` at the next resourceVersion, replacing `previous` (the stored version, or
   * undefined for a new object), and returns the stored version. `obj.metadata` must be a
   * fresh object (the rules build one for every write); the rest may be the caller's input,
   * which frozenCopy copies and never freezes.
   */
  #put(obj: AnyObject, type: WatchEventType, previous: AnyObject | undefined): AnyObject {
    const rv = ++this.#rv
    obj.metadata.resourceVersion = String(rv)
    const stored = frozenCopy(obj, previous)
    const key = rowKey(stored)
    this.#backend.put({ ...key, uid: stored.metadata.uid ?? '', resourceVersion: rv, object: stored })
    const owners = ownerUids(stored)
    const storedOwners = previous ? ownerUids(previous) : []
    this.#record(rv, type, key, stored)
    if (!jsonEqual(owners, storedOwners)) {
      this.#backend.setOwners(key, storedOwners, owners)
      const kept = new Set(owners)
      const dropped = (previous?.metadata.ownerReferences ?? []).filter((r) => !kept.has(r.uid))
      if (dropped.length > 0) this.#settleForeground(dropped, key.namespace)
    }
    return stored
  }

  /** Removes `stored` (the stored version) as `last` (its final state) and collects its dependents. */
  #remove(last: AnyObject, policy: 'Background' | 'Orphan', stored: AnyObject): AnyObject {
    const rv = ++this.#rv
    const final = frozenCopy({ ...last, metadata: { ...last.metadata, resourceVersion: String(rv) } }, stored)
    const key = rowKey(last)
    this.#backend.remove(key)
    const owners = ownerUids(stored)
    if (owners.length > 0) this.#backend.setOwners(key, owners, [])
    this.#record(rv, 'DELETED', key, final)
    if (last.metadata.uid) this.#collectDependents(last.metadata.uid, policy)
    this.#settleForeground(stored.metadata.ownerReferences ?? [], key.namespace)
    return final
  }

  #delete(current: AnyObject, opts: DeleteOptions): AnyObject {
    const uid = current.metadata.uid
    if (opts.propagationPolicy === 'Foreground') {
      // With no dependents there is nothing to wait for: as Background (kube-apiserver's
      // garbage collector removes the finalizer at once).
      if (!uid || current.metadata.deletionTimestamp || this.#backend.dependents(uid).length === 0) {
        return this.#delete(current, { ...opts, propagationPolicy: 'Background' })
      }
      const step = planDeletion(current, opts, this.#clock.now())
      if (step.action !== 'mark') return this.#delete(current, { ...opts, propagationPolicy: 'Background' })
      const marked = this.#put(step.next, 'MODIFIED', current)
      this.#collectDependents(uid, 'Foreground')
      this.#settleForeground(
        [{ apiVersion: '', kind: current.kind, name: current.metadata.name, uid }],
        rowKey(current).namespace,
      )
      return this.#backend.read(current.kind, rowKey(current).namespace, current.metadata.name) ?? marked
    }
    const step = planDeletion(current, opts, this.#clock.now())
    switch (step.action) {
      case 'none':
        return current
      case 'mark':
        return this.#put(step.next, 'MODIFIED', current)
      case 'remove':
        return this.#remove(step.last, step.policy, current)
    }
  }

  /**
   * The garbage collector, run inside the owner's removal. Background: a dependent whose
   * other owners are all gone is deleted like any delete (a bound Pod starts terminating, and
   * whatever it owns waits for its removal); one with a live owner left only loses its dangling
   * references. Orphan: dependents lose the reference and stay.
   */
  #collectDependents(uid: string, policy: 'Background' | 'Foreground' | 'Orphan'): void {
    for (const key of this.#backend.dependents(uid)) {
      const dep = this.#backend.read(key.kind, key.namespace, key.name)
      if (dep === undefined) continue
      const refs = dep.metadata.ownerReferences ?? []
      const dead = new Set(refs.filter((r) => r.uid === uid || !this.#ownerExists(r, key.namespace)).map((r) => r.uid))
      if (policy !== 'Orphan' && refs.every((r) => dead.has(r.uid))) {
        // Foreground reaches down: a dependent that owns objects itself waits for them too.
        const depUid = dep.metadata.uid
        const deep = policy === 'Foreground' && !!depUid && this.#backend.dependents(depUid).length > 0
        this.#delete(dep, { propagationPolicy: deep ? 'Foreground' : 'Background' })
        continue
      }
      this.#put(withoutOwners(dep, policy === 'Orphan' ? new Set([uid]) : dead), 'MODIFIED', dep)
    }
  }

  /**
   * The other half of foreground deletion: an owner marked with the foregroundDeletion finalizer
   * loses it (and, with no other finalizer, is removed) once no dependent that blocks its
   * deletion is left. Run for the owners an object named when it is removed or drops a reference.
   */
  #settleForeground(refs: readonly OwnerReference[], namespace: string): void {
    for (const ref of refs) {
      if (!isKind(ref.kind)) continue
      const owner = this.#backend.read(ref.kind, namespace, ref.name)
      if (!owner || owner.metadata.uid !== ref.uid || !owner.metadata.deletionTimestamp) continue
      if (!owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER) || this.#blocked(ref.uid)) continue
      const next = withoutFinalizer(owner, FOREGROUND_FINALIZER)
      if (isReadyToRemove(next)) this.#remove(next, removalPolicy(next), owner)
      else this.#put(next, 'MODIFIED', owner)
    }
  }

  /** True while a dependent's reference to `uid` says blockOwnerDeletion. */
  #blocked(uid: string): boolean {
    return this.#backend
      .dependents(uid)
      .some((key) =>
        this.#backend
          .read(key.kind, key.namespace, key.name)
          ?.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true),
      )
  }

  /** Owners live in their dependent's namespace; a reference names one by kind, name and uid. */
  #ownerExists(ref: OwnerReference, namespace: string): boolean {
    if (!isKind(ref.kind)) return false
    return this.#backend.read(ref.kind, namespace, ref.name)?.metadata.uid === ref.uid
  }

  /** Appends the change to the history and queues its event: `object` is the frozen version. */
  #record(rv: number, type: WatchEventType, key: ObjectKey, object: AnyObject): void {
    this.#backend.appendChange({ resourceVersion: rv, type, ...key, object })
    if (rv % this.#pruneEvery === 0) this.#backend.pruneChanges(rv - this.#keep)
    this.#pending.push({ resourceVersion: rv, type, ...key, object })
  }
}
