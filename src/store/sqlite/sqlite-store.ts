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
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Kind } from '../../api/types.ts'
import { BatonError, isBatonError } from '../../errors/baton-error.ts'
import type { ChangeRow, ObjectKey, ObjectRow, StoreBackend } from '../backend.ts'
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'
import { migrate } from './schema.ts'

/**
 * Opens (creating if needed) the store in the file at `path`.
 *
 * @example
 * const store = openSqliteStore('/var/lib/baton/state.db', { clock: systemClock, ids: randomIds })
 */
export function openSqliteStore(path: string, opts: StoreOptions): ObjectStore {
  return createStore(new SqliteBackend(path), opts)
}

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

  constructor(path: string) {
    this.#path = path
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
    this.#run(this.#sql.begin)
    this.#inTransaction = true
    try {
      const result = fn()
      this.#run(this.#sql.commit)
      return result
    } catch (err) {
      if (this.#db.isTransaction) this.#sql.rollback.run()
      throw err
    } finally {
      this.#inTransaction = false
    }
  }

  read(kind: Kind, namespace: string, name: string): string | undefined {
    const row = this.#sql.read.get(kind, namespace, name) as { json: string } | undefined
    return row?.json
  }

  readAll(kind: Kind, namespace: string | undefined): string[] {
    const rows = (
      namespace === undefined ? this.#sql.readKind.all(kind) : this.#sql.readNamespace.all(kind, namespace)
    ) as { json: string }[]
    return rows.map((r) => r.json)
  }

  dependents(ownerUid: string): ObjectKey[] {
    return this.#sql.dependents.all(ownerUid) as unknown as ObjectKey[]
  }

  put(row: ObjectRow): void {
    this.#run(this.#sql.put, row.kind, row.namespace, row.name, row.uid, row.resourceVersion, row.json)
  }

  remove(key: ObjectKey): void {
    this.#run(this.#sql.remove, key.kind, key.namespace, key.name)
  }

  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void {
    for (const uid of before) this.#run(this.#sql.removeOwner, uid, key.kind, key.namespace, key.name)
    for (const uid of after) this.#run(this.#sql.addOwner, uid, key.kind, key.namespace, key.name)
  }

  appendChange(c: ChangeRow): void {
    this.#run(this.#sql.addChange, c.resourceVersion, c.kind, c.namespace, c.name, c.type, c.json)
  }

  pruneChanges(upTo: number): void {
    this.#run(this.#sql.prune, upTo)
  }

  changesAfter(after: number, kind: Kind | undefined): ChangeRow[] {
    const rows = kind === undefined ? this.#sql.changesAfter.all(after) : this.#sql.changesOfKindAfter.all(after, kind)
    return rows as unknown as ChangeRow[]
  }

  oldestChange(): number | undefined {
    const row = this.#sql.oldest.get() as { rv: number | null }
    return row.rv ?? undefined
  }

  maxResourceVersion(): number {
    const row = this.#sql.maxVersion.get() as { rv: number | null }
    return row.rv ?? 0
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close()
  }

  #run(stmt: StatementSync, ...params: (string | number)[]): void {
    try {
      stmt.run(...params)
    } catch (err) {
      throw storeError(this.#path, err)
    }
  }
}

/** Every statement, prepared once: a write is then a handful of cached statement runs. */
function prepareAll(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql)
  const change = 'SELECT resource_version AS resourceVersion, kind, namespace, name, type, json FROM changes'
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    read: p('SELECT json FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    readKind: p('SELECT json FROM objects WHERE kind = ? ORDER BY namespace, name'),
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
