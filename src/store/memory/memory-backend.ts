/**
 * @module
 * Rows in Maps: current objects by kind and key, the owner index, and the watch history, all
 * as the engine's frozen versions (no copy per read; a history entry costs only what its
 * version did not share with the one before). A failed transaction runs its undo log
 * backwards. The memory store is this backend alone; the SQLite store serves every read from
 * one and writes behind it to the file.
 */
import type { AnyObject, Kind } from '../../api/types.ts'
import type { ChangeRow, ObjectKey, ObjectRow, StoreBackend } from '../backend.ts'
import { deepFreeze } from '../frozen-copy.ts'
import { ownerUids, storedNamespace } from '../object-rules.ts'

const keyString = (namespace: string, name: string) => `${namespace}\u0000${name}`
/** A current object: the row without its JSON text (the object is what readers get). */
type MemoryRow = ObjectKey & { object: AnyObject }

const compareRows = (a: MemoryRow, b: MemoryRow) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/** An undo step; a failed transaction runs its log backwards. */
type Undo = () => void

export class MemoryBackend implements StoreBackend {
  #objects = new Map<Kind, Map<string, MemoryRow>>()
  /** owner uid -> dependents by "kind\0namespace\0name" (which sorts as SQLite orders them). */
  #dependents = new Map<string, Map<string, ObjectKey>>()
  /** History; entries before #start are dropped (compacted in bulk to keep appends O(1)). */
  #changes: ChangeRow[] = []
  #start = 0
  #undo: Undo[] | undefined
  /** The highest resourceVersion among loaded objects: new writes number after it. */
  #loadedRv = 0

  transaction<T>(fn: () => T): T {
    if (this.#undo) return fn()
    this.#undo = []
    try {
      const result = fn()
      this.#undo = undefined
      this.#compact()
      return result
    } catch (err) {
      const log = this.#undo ?? []
      this.#undo = undefined
      for (let i = log.length - 1; i >= 0; i--) log[i]?.()
      throw err
    }
  }

  read(kind: Kind, namespace: string, name: string): AnyObject | undefined {
    return this.#objects.get(kind)?.get(keyString(namespace, name))?.object
  }

  readAll(kind: Kind, namespace: string | undefined): AnyObject[] {
    const rows = [...(this.#objects.get(kind)?.values() ?? [])]
    return rows
      .filter((r) => namespace === undefined || r.namespace === namespace)
      .sort(compareRows)
      .map((r) => r.object)
  }

  dependents(ownerUid: string): ObjectKey[] {
    // In key order, as SQLite returns them, so cascades write in the same order.
    const entries = [...(this.#dependents.get(ownerUid) ?? [])]
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key)
  }

  /** Starts the store with `objects` as they are (no history, no events), before any write. */
  load(objects: readonly AnyObject[]): void {
    for (const obj of objects) {
      const object = deepFreeze(structuredClone(obj))
      const key: ObjectKey = {
        kind: object.kind,
        namespace: storedNamespace(object),
        name: object.metadata.name,
      }
      this.#set({ ...key, object })
      const owners = ownerUids(object)
      if (owners.length > 0) this.setOwners(key, [], owners)
      const rv = Number(object.metadata.resourceVersion)
      if (Number.isSafeInteger(rv)) this.#loadedRv = Math.max(this.#loadedRv, rv)
    }
  }

  put(row: ObjectRow): void {
    this.#set({ kind: row.kind, namespace: row.namespace, name: row.name, object: row.object })
  }

  remove(key: ObjectKey): void {
    const table = this.#objects.get(key.kind)
    const k = keyString(key.namespace, key.name)
    const before = table?.get(k)
    if (!table || !before) return
    table.delete(k)
    this.#undo?.push(() => this.#set(before))
  }

  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void {
    const k = `${key.kind}\u0000${key.namespace}\u0000${key.name}`
    for (const uid of before) {
      const deps = this.#dependents.get(uid)
      deps?.delete(k)
      if (deps?.size === 0) this.#dependents.delete(uid)
    }
    const entry = { kind: key.kind, namespace: key.namespace, name: key.name }
    for (const uid of after) {
      let deps = this.#dependents.get(uid)
      if (!deps) this.#dependents.set(uid, (deps = new Map()))
      deps.set(k, entry)
    }
    this.#undo?.push(() => this.setOwners(key, after, before))
  }

  appendChange(change: ChangeRow): void {
    this.#changes.push(change)
    this.#undo?.push(() => void this.#changes.pop())
  }

  pruneChanges(upTo: number): void {
    const startBefore = this.#start
    this.#start = this.#firstAbove(upTo)
    this.#undo?.push(() => void (this.#start = startBefore))
  }

  changesAfter(after: number, kind: Kind | undefined): ChangeRow[] {
    const out = this.#changes.slice(this.#firstAbove(after))
    return kind === undefined ? out : out.filter((c) => c.kind === kind)
  }

  oldestChange(): number | undefined {
    return this.#changes[this.#start]?.resourceVersion
  }

  maxResourceVersion(): number {
    return this.#changes.at(-1)?.resourceVersion ?? this.#loadedRv
  }

  /** Nothing to make durable: the memory store keeps nothing past the process. */
  flush(): void {}

  close(): void {
    this.#objects.clear()
    this.#dependents.clear()
    this.#changes = []
  }

  #set(row: MemoryRow): void {
    let table = this.#objects.get(row.kind)
    if (!table) this.#objects.set(row.kind, (table = new Map()))
    const k = keyString(row.namespace, row.name)
    const before = table.get(k)
    table.set(k, row)
    // Undo runs with the log detached, so these calls log nothing themselves.
    this.#undo?.push(() => (before ? this.#set(before) : this.remove(row)))
  }

  /** Drops pruned history in bulk, between transactions (so undo steps never see it move). */
  #compact(): void {
    if (this.#start > 1024 && this.#start * 2 > this.#changes.length) {
      this.#changes = this.#changes.slice(this.#start)
      this.#start = 0
    }
  }

  /** Index of the first kept change above `rv` (binary search: the history is in order). */
  #firstAbove(rv: number): number {
    let lo = this.#start
    let hi = this.#changes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#changes[mid] as ChangeRow).resourceVersion <= rv) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
