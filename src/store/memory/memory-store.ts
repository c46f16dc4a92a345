/**
 * @module
 * The in-memory ObjectStore: the same engine as the SQLite store over Maps, for controller
 * tests and simulations. It keeps JSON text like SQLite does, so reads return fresh copies
 * and both implementations behave alike down to key order.
 */
import type { Kind } from '../../api/types.ts'
import type { ChangeRow, ObjectKey, ObjectRow, StoreBackend } from '../backend.ts'
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'

/**
 * @example
 * const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
 * store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: {} })
 */
export function createMemoryStore(opts: StoreOptions): ObjectStore {
  return createStore(new MemoryBackend(), opts)
}

const keyString = (namespace: string, name: string) => `${namespace}\u0000${name}`
const compareRows = (a: ObjectRow, b: ObjectRow) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/** An undo step; a failed transaction runs its log backwards. */
type Undo = () => void

class MemoryBackend implements StoreBackend {
  #objects = new Map<Kind, Map<string, ObjectRow>>()
  #uids = new Map<string, ObjectRow>()
  /** owner uid -> dependents, and each object's owner uids (to unindex it). */
  #dependents = new Map<string, Map<string, ObjectKey>>()
  #owners = new Map<string, readonly string[]>()
  /** History; entries before #start are dropped (compacted in bulk to keep appends O(1)). */
  #changes: ChangeRow[] = []
  #start = 0
  #undo: Undo[] | undefined

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

  read(kind: Kind, namespace: string, name: string): string | undefined {
    return this.#objects.get(kind)?.get(keyString(namespace, name))?.json
  }

  readAll(kind: Kind, namespace: string | undefined): string[] {
    const rows = [...(this.#objects.get(kind)?.values() ?? [])]
    return rows
      .filter((r) => namespace === undefined || r.namespace === namespace)
      .sort(compareRows)
      .map((r) => r.json)
  }

  hasUid(uid: string): boolean {
    return this.#uids.has(uid)
  }

  dependents(ownerUid: string): ObjectKey[] {
    // In key order, as SQLite returns them, so cascades write in the same order.
    const entries = [...(this.#dependents.get(ownerUid) ?? [])]
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key)
  }

  put(row: ObjectRow, ownerUids: readonly string[] | undefined): void {
    let table = this.#objects.get(row.kind)
    if (!table) this.#objects.set(row.kind, (table = new Map()))
    const k = keyString(row.namespace, row.name)
    const before = table.get(k)
    const ownersBefore = this.#owners.get(this.#ownerKey(row)) ?? []
    table.set(k, row)
    if (before) this.#uids.delete(before.uid)
    this.#uids.set(row.uid, row)
    if (ownerUids) this.#index(row, ownerUids)
    // Undo runs with the log detached, so these calls log nothing themselves.
    this.#undo?.push(() => (before ? this.put(before, ownersBefore) : this.remove(row)))
  }

  remove(key: ObjectKey): void {
    const table = this.#objects.get(key.kind)
    const k = keyString(key.namespace, key.name)
    const before = table?.get(k)
    if (!table || !before) return
    table.delete(k)
    this.#uids.delete(before.uid)
    const owners = this.#owners.get(this.#ownerKey(key)) ?? []
    this.#index(key, [])
    this.#undo?.push(() => this.put(before, owners))
  }

  appendChange(change: ChangeRow, keep: number): void {
    this.#changes.push(change)
    const startBefore = this.#start
    this.#start = Math.max(this.#start, this.#changes.length - keep)
    this.#undo?.push(() => {
      this.#changes.pop()
      this.#start = startBefore
    })
  }

  changesAfter(after: number, kind: Kind | undefined): ChangeRow[] {
    // Binary search for the first change above `after`: the history is in resourceVersion order.
    let lo = this.#start
    let hi = this.#changes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#changes[mid] as ChangeRow).resourceVersion <= after) lo = mid + 1
      else hi = mid
    }
    const out = this.#changes.slice(lo)
    return kind === undefined ? out : out.filter((c) => c.kind === kind)
  }

  oldestChange(): number | undefined {
    return this.#changes[this.#start]?.resourceVersion
  }

  maxResourceVersion(): number {
    return this.#changes.at(-1)?.resourceVersion ?? 0
  }

  close(): void {
    this.#objects.clear()
    this.#uids.clear()
    this.#dependents.clear()
    this.#owners.clear()
    this.#changes = []
  }

  /** Drops pruned history in bulk, between transactions (so undo steps never see it move). */
  #compact(): void {
    if (this.#start > 1024 && this.#start * 2 > this.#changes.length) {
      this.#changes = this.#changes.slice(this.#start)
      this.#start = 0
    }
  }

  #ownerKey(key: ObjectKey): string {
    return `${key.kind}\u0000${key.namespace}\u0000${key.name}`
  }

  #index(key: ObjectKey, ownerUids: readonly string[]): void {
    const ok = this.#ownerKey(key)
    for (const uid of this.#owners.get(ok) ?? []) {
      const deps = this.#dependents.get(uid)
      deps?.delete(ok)
      if (deps?.size === 0) this.#dependents.delete(uid)
    }
    if (ownerUids.length === 0) {
      this.#owners.delete(ok)
      return
    }
    this.#owners.set(ok, ownerUids)
    const entry = { kind: key.kind, namespace: key.namespace, name: key.name }
    for (const uid of ownerUids) {
      let deps = this.#dependents.get(uid)
      if (!deps) this.#dependents.set(uid, (deps = new Map()))
      deps.set(ok, entry)
    }
  }
}
