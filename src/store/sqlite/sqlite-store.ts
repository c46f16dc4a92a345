/**
 * @module
 * The durable ObjectStore: the shared engine over one SQLite file (node:sqlite, synchronous).
 *
 * Durability: WAL journal with synchronous=NORMAL. A commit appends to the WAL with write(2)
 * before it returns, so a committed write survives the Baton process being killed (SIGKILL,
 * crash): the data is in the OS page cache and the next open replays the WAL. What NORMAL
 * gives up, against FULL, is an fsync per commit, so a power loss or kernel crash may lose
 * the last commits (never corrupt the file). Baton runs one machine's dev/staging rollouts;
 * an fsync per write would cap the control plane near disk-flush speed for no gain against
 * the failure it is built for. The durability test SIGKILLs a writer to hold this line.
 *
 * Group commit: a write is applied when its call returns (the in-memory copy below and the
 * watchers have it), and SQLite commits writes in batches: one transaction stays open while a
 * task makes writes, each engine transaction inside it a SAVEPOINT, and it commits at the end
 * of that task (a microtask) or after COMMIT_EVERY engine transactions, whichever is first.
 * A commit costs far more than the statements in it (most of the store's CPU in a 100 × 100
 * rollout went to BEGIN and COMMIT, about four WAL pages written per commit); etcd batches its
 * backend commits the same way. Whoever tells the outside world that a write happened calls
 * flush() first: the API answers a write only after it (server/app.ts), so an acknowledged
 * write is never lost to a SIGKILL. What a SIGKILL can lose is the current task's writes that
 * nobody was told about, as if the kill had come a moment earlier; the controllers redo them.
 * A failed commit (disk full) throws from the microtask: the daemon exits and restarts from
 * the last commit rather than run on with memory and file apart.
 *
 * Current objects are also kept in memory, as the engine's frozen versions: reads then cost
 * nothing and hand out the objects watchers already hold, and each new version shares its
 * unchanged parts with the last (see store/frozen-copy.ts). The engine already assumes one
 * writer per file (it counts resourceVersions in memory), so the copy cannot go stale; a
 * rolled-back transaction puts back what it changed. Events are the exception: written once
 * or twice, rarely read, and as numerous as everything else together (a rollout of 100 × 100
 * records ~40 000), they stay on disk only.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { AnyObject, Kind } from '../../api/types.ts'
import { BatonError, isBatonError } from '../../errors/baton-error.ts'
import type { ChangeRow, ObjectKey, ObjectRow, StoreBackend } from '../backend.ts'
import { frozenFromJson } from '../frozen-copy.ts'
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'
import { migrate } from './schema.ts'

/**
 * Opens (creating if needed) the store in the file at `path`.
 *
 * @example
 * const store = openSqliteStore('/var/lib/baton/state.db', { clock: systemClock, ids: randomIds })
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions): ObjectStore {
  return createStore(new SqliteBackend(path, opts.scheduleCommit ?? queueMicrotask), opts)
}

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * Runs the batch's commit at the end of the current task (default queueMicrotask). The
   * simulator, whose fake time runs synchronously, leaves batches to COMMIT_EVERY.
   */
  scheduleCommit?: (commit: () => void) => void
}

/** Engine transactions per SQLite commit at most: bounds a batch that no task end closes. */
export const COMMIT_EVERY = 64

function storeError(path: string, err: unknown): BatonError {
  const detail = err instanceof Error ? err.message : String(err)
  return new BatonError('BATON_STORE', `state file ${path}: ${detail}`, {
    hint: "Check the data directory's permissions and free space",
    cause: err,
  })
}

class SqliteBackend implements StoreBackend {
  readonly #db: DatabaseSync
  readonly #path: string
  readonly #sql: ReturnType<typeof prepareAll>
  #inTransaction = false
  /** Whether a batch (an open SQLite transaction) is waiting for its commit. */
  #batchOpen = false
  #batchSize = 0
  readonly #scheduleCommit: (commit: () => void) => void
  /** Current objects by kind, then "namespace\0name"; filled by reads and writes. */
  readonly #objects = new Map<Kind, Map<string, AnyObject>>()
  /** Whether #objects holds every row of a kind (then readAll needs no query). */
  readonly #complete = new Set<Kind>()
  /** How to put #objects back if the running transaction rolls back. */
  #undo: (() => void)[] = []
  /** The last object put, as JSON: its change row stores the same text. */
  #lastJson: { object: AnyObject; json: string } | undefined

  constructor(path: string, scheduleCommit: (commit: () => void) => void) {
    this.#path = path
    this.#scheduleCommit = scheduleCommit
    try {
      this.#db = new DatabaseSync(path, { timeout: 5000 })
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL')
      migrate(this.#db, path)
      this.#sql = prepareAll(this.#db)
    } catch (err) {
      throw isBatonError(err) ? err : storeError(path, err)
    }
  }

  transaction<T>(fn: () => T): T {
    if (this.#inTransaction) return fn()
    if (!this.#batchOpen) {
      this.#run(this.#sql.begin)
      this.#batchOpen = true
      this.#batchSize = 0
      this.#scheduleCommit(() => this.flush())
    }
    this.#run(this.#sql.savepoint)
    this.#inTransaction = true
    try {
      const result = fn()
      this.#run(this.#sql.release)
      if (++this.#batchSize >= COMMIT_EVERY) this.flush()
      return result
    } catch (err) {
      if (this.#db.isTransaction) {
        this.#sql.rollbackToSavepoint.run()
        this.#sql.release.run()
      }
      for (let i = this.#undo.length - 1; i >= 0; i--) this.#undo[i]?.()
      // A kind first loaded inside the transaction may have been loaded with its writes.
      this.#complete.clear()
      throw err
    } finally {
      this.#inTransaction = false
      this.#undo = []
      this.#lastJson = undefined
    }
  }

  read(kind: Kind, namespace: string, name: string): AnyObject | undefined {
    if (UNCACHED.has(kind)) return this.#readRow(kind, namespace, name)
    const table = this.#table(kind)
    const k = cacheKey(namespace, name)
    const cached = table.get(k)
    if (cached || this.#complete.has(kind)) return cached
    const object = this.#readRow(kind, namespace, name)
    if (object) table.set(k, object)
    return object
  }

  readAll(kind: Kind, namespace: string | undefined): AnyObject[] {
    if (UNCACHED.has(kind)) {
      const rows = (
        namespace === undefined ? this.#sql.readKind.all(kind) : this.#sql.readNamespace.all(kind, namespace)
      ) as { json: string }[]
      return rows.map((r) => frozenFromJson<AnyObject>(r.json))
    }
    if (!this.#complete.has(kind)) this.#loadKind(kind)
    // "namespace\0name" sorts as ORDER BY namespace, name would (names are ASCII).
    const prefix = namespace === undefined ? '' : `${namespace}\u0000`
    const entries = [...this.#table(kind)].filter(([k]) => k.startsWith(prefix))
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, object]) => object)
  }

  dependents(ownerUid: string): ObjectKey[] {
    return this.#sql.dependents.all(ownerUid) as unknown as ObjectKey[]
  }

  put(row: ObjectRow): void {
    const json = JSON.stringify(row.object)
    this.#run(this.#sql.put, row.kind, row.namespace, row.name, row.uid, row.resourceVersion, json)
    this.#lastJson = { object: row.object, json }
    if (!UNCACHED.has(row.kind)) this.#remember(row, row.object)
  }

  remove(key: ObjectKey): void {
    this.#run(this.#sql.remove, key.kind, key.namespace, key.name)
    if (!UNCACHED.has(key.kind)) this.#remember(key, undefined)
  }

  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void {
    for (const uid of before) this.#run(this.#sql.removeOwner, uid, key.kind, key.namespace, key.name)
    for (const uid of after) this.#run(this.#sql.addOwner, uid, key.kind, key.namespace, key.name)
  }

  appendChange(c: ChangeRow): void {
    const json = this.#lastJson?.object === c.object ? this.#lastJson.json : JSON.stringify(c.object)
    this.#run(this.#sql.addChange, c.resourceVersion, c.kind, c.namespace, c.name, c.type, json)
  }

  pruneChanges(upTo: number): void {
    this.#run(this.#sql.prune, upTo)
  }

  changesAfter(after: number, kind: Kind | undefined): ChangeRow[] {
    const rows = kind === undefined ? this.#sql.changesAfter.all(after) : this.#sql.changesOfKindAfter.all(after, kind)
    return (rows as unknown as (Omit<ChangeRow, 'object'> & { json: string })[]).map(({ json, ...c }) => ({
      ...c,
      object: frozenFromJson<AnyObject>(json),
    }))
  }

  oldestChange(): number | undefined {
    const row = this.#sql.oldest.get() as { rv: number | null }
    return row.rv ?? undefined
  }

  maxResourceVersion(): number {
    const row = this.#sql.maxVersion.get() as { rv: number | null }
    return row.rv ?? 0
  }

  flush(): void {
    if (!this.#batchOpen) return
    this.#batchOpen = false
    if (this.#db.isOpen && this.#db.isTransaction) this.#run(this.#sql.commit)
  }

  close(): void {
    if (this.#db.isOpen) this.flush()
    this.#objects.clear()
    this.#complete.clear()
    if (this.#db.isOpen) this.#db.close()
  }

  #readRow(kind: Kind, namespace: string, name: string): AnyObject | undefined {
    const row = this.#sql.read.get(kind, namespace, name) as { json: string } | undefined
    return row && frozenFromJson<AnyObject>(row.json)
  }

  #table(kind: Kind): Map<string, AnyObject> {
    let table = this.#objects.get(kind)
    if (!table) this.#objects.set(kind, (table = new Map()))
    return table
  }

  /** Sets (or, with undefined, drops) a cached object, undoably within a transaction. */
  #remember(key: ObjectKey, object: AnyObject | undefined): void {
    const table = this.#table(key.kind)
    const k = cacheKey(key.namespace, key.name)
    const before = table.get(k)
    if (object) table.set(k, object)
    else table.delete(k)
    if (this.#inTransaction) this.#undo.push(() => (before ? table.set(k, before) : table.delete(k)))
  }

  /** Caches every row of `kind` (once: from then on, writes keep the cache whole). */
  #loadKind(kind: Kind): void {
    const table = this.#table(kind)
    for (const row of this.#sql.readKind.all(kind) as { namespace: string; name: string; json: string }[]) {
      const k = cacheKey(row.namespace, row.name)
      if (!table.has(k)) table.set(k, frozenFromJson<AnyObject>(row.json))
    }
    this.#complete.add(kind)
  }

  #run(stmt: StatementSync, ...params: (string | number)[]): void {
    try {
      stmt.run(...params)
    } catch (err) {
      throw storeError(this.#path, err)
    }
  }
}

const cacheKey = (namespace: string, name: string) => `${namespace}\u0000${name}`

/** Kinds read from the file every time instead of kept in memory (see the module comment). */
const UNCACHED = new Set<Kind>(['Event'])

/** Every statement, prepared once: a write is then a handful of cached statement runs. */
function prepareAll(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql)
  const change = 'SELECT resource_version AS resourceVersion, kind, namespace, name, type, json FROM changes'
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    savepoint: p('SAVEPOINT engine_write'),
    release: p('RELEASE engine_write'),
    rollbackToSavepoint: p('ROLLBACK TO engine_write'),
    read: p('SELECT json FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    readKind: p('SELECT namespace, name, json FROM objects WHERE kind = ? ORDER BY namespace, name'),
    readNamespace: p('SELECT json FROM objects WHERE kind = ? AND namespace = ? ORDER BY name'),
    dependents: p('SELECT kind, namespace, name FROM owner_refs WHERE owner_uid = ? ORDER BY kind, namespace, name'),
    put: p(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, namespace, name) DO UPDATE
       SET uid = excluded.uid, resource_version = excluded.resource_version, json = excluded.json`,
    ),
    remove: p('DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    removeOwner: p('DELETE FROM owner_refs WHERE owner_uid = ? AND kind = ? AND namespace = ? AND name = ?'),
    addOwner: p('INSERT OR IGNORE INTO owner_refs (owner_uid, kind, namespace, name) VALUES (?, ?, ?, ?)'),
    addChange: p('INSERT INTO changes (resource_version, kind, namespace, name, type, json) VALUES (?, ?, ?, ?, ?, ?)'),
    prune: p('DELETE FROM changes WHERE resource_version <= ?'),
    changesAfter: p(`${change} WHERE resource_version > ? ORDER BY resource_version`),
    changesOfKindAfter: p(`${change} WHERE resource_version > ? AND kind = ? ORDER BY resource_version`),
    oldest: p('SELECT MIN(resource_version) AS rv FROM changes'),
    maxVersion: p(
      'SELECT MAX(rv) AS rv FROM (SELECT MAX(resource_version) AS rv FROM changes UNION ALL SELECT MAX(resource_version) FROM objects)',
    ),
  }
}
