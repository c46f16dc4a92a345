/**
 * @module
 * The row-level port beneath the ObjectStore. Every Kubernetes rule (CAS, generation, graceful
 * deletion, finalizers, cascading delete, watch) lives once in store-engine.ts; a backend only
 * keeps rows: current objects as JSON text, the bounded change history, and an index from
 * owner uid to dependents. memory/ and sqlite/ implement it.
 *
 * Objects cross this port as the engine's deeply frozen versions (store/frozen-copy.ts), which
 * share every unchanged subtree with the version before: the memory backend keeps them as
 * they are, current objects and history alike, and SQLite serialises them to JSON text.
 * Whatever a backend returns must be deeply frozen too, and never changed afterwards.
 */
import type { AnyObject, Kind } from '../api/types.ts'
import type { WatchEventType } from './types.ts'

export interface ObjectKey {
  kind: Kind
  namespace: string
  name: string
}

export interface ObjectRow extends ObjectKey {
  uid: string
  resourceVersion: number
  object: AnyObject
}

export interface ChangeRow extends ObjectKey {
  resourceVersion: number
  type: WatchEventType
  /** The object as written (for DELETED: its final state). */
  object: AnyObject
}

export interface StoreBackend {
  /**
   * Runs `fn` as one atomic write: every put/remove/setOwners/appendChange/pruneChanges inside
   * it is applied together, or, when `fn` throws, none is. Durable when the backend says so:
   * at once, or at its next flush.
   */
  transaction<T>(fn: () => T): T
  /** The current object, deeply frozen. */
  read(kind: Kind, namespace: string, name: string): AnyObject | undefined
  /** Current objects of one kind (deeply frozen), ordered by namespace then name. */
  readAll(kind: Kind, namespace: string | undefined): AnyObject[]
  /** Inserts or replaces the row at its key. */
  put(row: ObjectRow): void
  remove(key: ObjectKey): void
  /**
   * Moves `key`'s entries in the owner index from the uids in `before` (as last set) to those
   * in `after`. The engine passes both, so the index needs no lookup by dependent.
   */
  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void
  /** Objects whose ownerReferences name `ownerUid`, ordered by kind, namespace, name. */
  dependents(ownerUid: string): ObjectKey[]
  appendChange(change: ChangeRow): void
  /** Drops history entries at or below `upTo`. */
  pruneChanges(upTo: number): void
  /** Changes with resourceVersion > `after`, oldest first, optionally of one kind only. */
  changesAfter(after: number, kind: Kind | undefined): ChangeRow[]
  /** The oldest resourceVersion still in the history, undefined when it is empty. */
  oldestChange(): number | undefined
  /** The highest resourceVersion ever written (objects and history), 0 for a new store. */
  maxResourceVersion(): number
  /** Makes every transaction so far durable (ObjectStore.flush). */
  flush(): void
  /** Flushes, then releases the store. */
  close(): void
}
