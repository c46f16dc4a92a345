/**
 * @module
 * The durable ObjectStore: the shared engine over one SQLite file (node:sqlite, synchronous).
 *
 * Reads from memory, writes behind to the file. Every current object, the owner index and the
 * watch history live in a MemoryBackend, as the engine's frozen versions: reads cost nothing
 * and hand out the objects watchers already hold (kube-apiserver serves reads and watches
 * from its in-memory watch cache the same way, with etcd behind it). The file holds only what
 * a restart needs: each object's JSON and the highest resourceVersion (schema.ts). It is read
 * once, when the store opens, and the engine assumes one writer per file, so memory cannot go
 * stale. What a restart gives up is the watch history: a watch from a resourceVersion before
 * it gets BATON_GONE, and the client lists again.
 *
 * Durability: WAL journal with synchronous=NORMAL. A commit appends to the WAL with write(2)
 * before it returns, so a committed write survives the Baton process being killed (SIGKILL,
 * crash): the data is in the OS page cache and the next open replays the WAL. What NORMAL
 * gives up, against FULL, is an fsync per commit, so a power loss or kernel crash may lose
 * the last commits (never corrupt the file). Baton runs one machine's dev/staging rollouts;
 * an fsync per write would cap the control plane near disk-flush speed for no gain against
 * the failure it is built for. The durability test SIGKILLs a writer to hold this line.
 *
 * Group commit: a write is applied when its call returns (memory and the watchers have it),
 * and the file gets writes in batches. A batch is the newest version of each object the
 * engine transactions since the last commit wrote (or the fact that they removed it); it is
 * committed, as one SQLite transaction, at the end of the task (a microtask) or after
 * COMMIT_EVERY engine transactions, whichever is first. A commit costs far more than the
 * statements in it (about four WAL pages per commit; most of the store's CPU when each write
 * was its own), and an object written three times in a batch is serialised and written once.
 * A failed engine transaction never reaches the batch: memory undoes it, and the file never
 * saw it. etcd batches its backend commits the same way. Whoever tells the outside world that
 * a write happened calls flush() first: the API answers a write only after it (server/app.ts),
 * so an acknowledged write is never lost to a SIGKILL. What a SIGKILL can lose is the current
 * task's writes that nobody was told about, as if the kill had come a moment earlier; the
 * controllers redo them. A failed commit throws from the microtask: the daemon exits and
 * restarts from the last commit rather than run on with memory and file apart.
 *
 * A full disk is the exception (SQLITE_FULL, ENOSPC): the daemon must keep serving reads and
 * keep its replicas running. The store gives back a reserve file (space-reserve.ts) and
 * commits again, so what memory holds normally reaches the file; from then on every new write
 * is refused with BATON_NO_SPACE (HTTP 507) before it is applied, until the disk has room for
 * the reserve and as much again, when the next write rewrites the reserve and goes through.
 * Should the reserve not be enough, the uncommitted batch waits in memory, flush() throws
 * BATON_NO_SPACE (so the API acknowledges none of it), and it is committed with the next
 * write once there is room; only a daemon stopped before that loses it.
 */
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { AnyObject, Kind } from '../../api/types.ts'
import { BatonError, isBatonError } from '../../errors/baton-error.ts'
import type { ChangeRow, ObjectKey, ObjectRow, StoreBackend } from '../backend.ts'
import { frozenFromJson } from '../frozen-copy.ts'
import { MemoryBackend } from '../memory/memory-backend.ts'
import { ownerUids } from '../object-rules.ts'
import { createStore, type StoreOptions } from '../store-engine.ts'
import type { ObjectStore } from '../types.ts'
import { migrate } from './schema.ts'
import { DEFAULT_RESERVE_BYTES, SpaceReserve } from './space-reserve.ts'

/**
 * Opens (creating if needed) the store in the file at `path`.
 *
 * @example
 * const store = openSqliteStore('/var/lib/baton/state.db', { clock: systemClock, ids: randomIds })
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions): ObjectStore {
  const reserve = new SpaceReserve(`${path}.reserve`, opts.reserveBytes ?? DEFAULT_RESERVE_BYTES)
  return createStore(new SqliteBackend(path, opts.scheduleCommit ?? queueMicrotask, reserve), opts)
}

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * Runs the batch's commit at the end of the current task (default queueMicrotask). The
   * simulator, whose fake time runs synchronously, leaves batches to COMMIT_EVERY.
   */
  scheduleCommit?: (commit: () => void) => void
  /** Bytes kept free beside the file for a full disk (space-reserve.ts); 0 keeps none. */
  reserveBytes?: number
}

/**
 * Engine transactions per SQLite commit at most: bounds a batch that no task end closes (a
 * controller drain of hundreds of keys in the daemon; a whole rollout in the simulator, whose
 * fake time never ends a task). A commit costs per row, not per transaction, and a bigger
 * batch holds fewer rows per transaction (the same Deployment and ReplicaSet statuses are
 * rewritten many times): in a 100 × 100 rollout, 64 gave 0.66 rows per transaction and 1024
 * gives 0.41, with a third less time in commits. A batch of 1024 commits in about 10 ms.
 */
export const COMMIT_EVERY = 1024

function storeError(path: string, err: unknown): BatonError {
  const detail = err instanceof Error ? err.message : String(err)
  const code = sqliteCode(err)
  if (code === SQLITE.CORRUPT || code === SQLITE.NOTADB) {
    return new BatonError('BATON_STORE_CORRUPT', `state file ${path} is corrupt or not a Baton store: ${detail}`, {
      hint:
        'Stop the daemon and restore a backup with `baton restore FILE`, or start over with `baton up --reset` ' +
        '(moves the damaged file aside; replicas Baton no longer knows are stopped). See docs/backup.md',
      cause: err,
    })
  }
  if (code === SQLITE.FULL || (err as NodeJS.ErrnoException).code === 'ENOSPC') return noSpace(path, err)
  return new BatonError('BATON_STORE', `state file ${path}: ${detail}`, {
    hint: "Check the data directory's permissions and free space",
    cause: err,
  })
}

/** SQLite's primary result codes the store tells apart. */
const SQLITE = { CORRUPT: 11, FULL: 13, NOTADB: 26 } as const

function sqliteCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | undefined)?.errcode
  return typeof code === 'number' ? code & 0xff : undefined
}

function noSpace(path: string, err: unknown): BatonError {
  return new BatonError(
    'BATON_NO_SPACE',
    `the disk holding ${path} is full: writes are refused until there is room again`,
    {
      hint: 'Free space on that disk; reads, replicas and the load balancer keep running, and writes resume without a restart',
      cause: err,
    },
  )
}

/** What the next commit writes for one key: the row to store, or its removal. */
type PendingRow = ObjectRow | (ObjectKey & { removed: true })

class SqliteBackend implements StoreBackend {
  readonly #db: DatabaseSync
  readonly #path: string
  readonly #sql: ReturnType<typeof prepareAll>
  readonly #scheduleCommit: (commit: () => void) => void
  /** Every read is answered here; the file is read once, at open. */
  readonly #memory = new MemoryBackend()
  /** The running engine transaction's writes by "kind\0namespace\0name", undefined outside one. */
  #transaction: Map<string, PendingRow> | undefined
  /** Writes of the finished transactions since the last commit, the newest per key. */
  #batch = new Map<string, PendingRow>()
  #batchTransactions = 0
  #commitScheduled = false
  /** The highest resourceVersion applied, and the one the file holds. */
  #rv: number
  #committedRv: number
  readonly #reserve: SpaceReserve
  /**
   * Set while the disk is full: every new write is refused with it, and the batch that could
   * not be committed waits in #batch. Memory is then ahead of the file by that batch (applied,
   * never acknowledged as durable: flush() throws), and nothing else: no write is applied
   * until the batch is committed.
   */
  #noSpace: BatonError | undefined

  constructor(path: string, scheduleCommit: (commit: () => void) => void, reserve: SpaceReserve) {
    this.#path = path
    this.#scheduleCommit = scheduleCommit
    this.#reserve = reserve
    // On a disk without room for the reserve and as much again, the reserve's blocks are what
    // lets the file open (its WAL and shared-memory index): give them back and start refusing
    // writes, serving reads, until there is room.
    const full = existsSync(dirname(path)) && !reserve.roomToResume()
    if (full) reserve.release()
    let db: DatabaseSync | undefined
    try {
      db = new DatabaseSync(path, { timeout: 5000 })
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL')
      migrate(db, path)
      this.#db = db
      this.#sql = prepareAll(db)
      this.#rv = this.#committedRv = this.#load()
    } catch (err) {
      if (db?.isOpen) db.close()
      throw isBatonError(err) ? err : storeError(path, err)
    }
    // A daemon started on a full disk serves reads and refuses writes until there is room.
    if (full || !reserve.ensure()) this.#noSpace = noSpace(path, undefined)
  }

  transaction<T>(fn: () => T): T {
    if (this.#transaction) return fn()
    if (this.#noSpace && !this.#resume()) throw this.#noSpace
    const writes = new Map<string, PendingRow>()
    this.#transaction = writes
    let result: T
    try {
      result = this.#memory.transaction(fn)
    } finally {
      this.#transaction = undefined
    }
    if (writes.size === 0) return result
    for (const [key, row] of writes) this.#batch.set(key, row)
    // The history always keeps its newest change, so this is the transaction's last version.
    this.#rv = Math.max(this.#rv, this.#memory.maxResourceVersion())
    if (!this.#commitScheduled) {
      this.#commitScheduled = true
      this.#scheduleCommit(() => this.#flushBehind())
    }
    if (++this.#batchTransactions >= COMMIT_EVERY) this.#flushBehind()
    return result
  }

  read(kind: Kind, namespace: string, name: string): AnyObject | undefined {
    return this.#memory.read(kind, namespace, name)
  }

  readAll(kind: Kind, namespace: string | undefined): AnyObject[] {
    return this.#memory.readAll(kind, namespace)
  }

  dependents(ownerUid: string): ObjectKey[] {
    return this.#memory.dependents(ownerUid)
  }

  put(row: ObjectRow): void {
    this.#memory.put(row)
    this.#pending(row).set(rowKey(row), row)
  }

  remove(key: ObjectKey): void {
    this.#memory.remove(key)
    this.#pending(key).set(rowKey(key), { kind: key.kind, namespace: key.namespace, name: key.name, removed: true })
  }

  setOwners(key: ObjectKey, before: readonly string[], after: readonly string[]): void {
    this.#memory.setOwners(key, before, after)
  }

  appendChange(change: ChangeRow): void {
    this.#memory.appendChange(change)
  }

  pruneChanges(upTo: number): void {
    this.#memory.pruneChanges(upTo)
  }

  changesAfter(after: number, kind: Kind | undefined): ChangeRow[] {
    return this.#memory.changesAfter(after, kind)
  }

  oldestChange(): number | undefined {
    return this.#memory.oldestChange()
  }

  maxResourceVersion(): number {
    return this.#rv
  }

  /**
   * Commits the batch: each key's newest row, and the resourceVersion counter. Throws
   * BATON_NO_SPACE when the disk is full even after the reserve was given back: the batch
   * stays, to be committed when there is room (#resume).
   */
  flush(): void {
    this.#commitScheduled = false
    this.#batchTransactions = 0
    if (this.#batch.size === 0 && this.#rv === this.#committedRv) return
    if (!this.#db.isOpen) return
    const full = this.#tryCommit()
    if (!full) return
    // From now on new writes are refused; the reserve's blocks let this batch through.
    if (!this.#reserve.release()) throw full
    const stillFull = this.#tryCommit()
    if (stillFull) throw stillFull
  }

  /**
   * A commit nobody waits for (end of task, COMMIT_EVERY): a full disk is remembered in
   * #noSpace and answered to the next write and flush; any other failure ends the daemon,
   * which restarts from the last commit rather than run on with memory and file apart.
   */
  #flushBehind(): void {
    try {
      this.flush()
    } catch (err) {
      if (!(isBatonError(err) && err.code === 'BATON_NO_SPACE')) throw err
    }
  }

  /**
   * While the disk is full: when it has room again, rewrites the reserve, commits the batch
   * that waited, and accepts writes again. Cheap enough for every refused write (a statfs).
   */
  #resume(): boolean {
    if (!this.#db.isOpen || !this.#reserve.roomToResume() || !this.#reserve.ensure()) return false
    if (this.#tryCommit()) return false
    this.#noSpace = undefined
    return true
  }

  /**
   * Commits the batch, or answers BATON_NO_SPACE (then remembered in #noSpace: new writes are
   * refused until #resume) when the disk is full; any other failure is thrown.
   */
  #tryCommit(): BatonError | undefined {
    try {
      this.#commit()
      return undefined
    } catch (err) {
      const e = storeError(this.#path, err)
      if (e.code !== 'BATON_NO_SPACE') throw e
      this.#noSpace = e
      return e
    }
  }

  /** One SQLite transaction for the batch; on failure the batch is kept for the next try. */
  #commit(): void {
    const batch = this.#batch
    if (batch.size === 0 && this.#rv === this.#committedRv) return
    this.#batch = new Map()
    const rv = this.#rv
    try {
      this.#sql.begin.run()
      for (const row of batch.values()) {
        if ('removed' in row) this.#sql.remove.run(row.kind, row.namespace, row.name)
        else
          this.#sql.put.run(row.kind, row.namespace, row.name, row.uid, row.resourceVersion, JSON.stringify(row.object))
      }
      this.#sql.setResourceVersion.run(rv)
      this.#sql.commit.run()
    } catch (err) {
      if (this.#db.isTransaction) this.#sql.rollback.run()
      // Writes applied since (none while the disk is full) are newer than the batch's.
      for (const [key, row] of this.#batch) batch.set(key, row)
      this.#batch = batch
      throw err
    }
    this.#committedRv = rv
  }

  close(): void {
    if (this.#db.isOpen) this.#flushBehind()
    this.#memory.close()
    if (this.#db.isOpen) this.#db.close()
  }

  /** The running transaction's writes; a write outside one is a programming error. */
  #pending(key: ObjectKey): Map<string, PendingRow> {
    if (!this.#transaction) throw new Error(`store: ${key.kind} ${key.name} written outside a transaction`)
    return this.#transaction
  }

  /** Reads every object into memory, rebuilds the owner index; returns the resourceVersion counter. */
  #load(): number {
    let max = (this.#sql.resourceVersion.get() as { value: number } | undefined)?.value ?? 0
    for (const row of this.#sql.readAll.iterate() as Iterable<LoadedRow>) {
      const object = frozenFromJson<AnyObject>(row.json)
      const key: ObjectKey = { kind: row.kind, namespace: row.namespace, name: row.name }
      this.#memory.put({ ...key, uid: row.uid, resourceVersion: row.resource_version, object })
      const owners = ownerUids(object)
      if (owners.length > 0) this.#memory.setOwners(key, [], owners)
      max = Math.max(max, row.resource_version)
    }
    return max
  }
}

interface LoadedRow {
  kind: Kind
  namespace: string
  name: string
  uid: string
  resource_version: number
  json: string
}

/** Kind, namespace and name joined by NUL, which none of them can hold. */
const rowKey = (key: ObjectKey) => `${key.kind}\u0000${key.namespace}\u0000${key.name}`

/** Every statement, prepared once. */
function prepareAll(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql)
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    readAll: p('SELECT kind, namespace, name, uid, resource_version, json FROM objects'),
    put: p(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, namespace, name) DO UPDATE
       SET uid = excluded.uid, resource_version = excluded.resource_version, json = excluded.json`,
    ),
    remove: p('DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?'),
    resourceVersion: p("SELECT value FROM meta WHERE key = 'resource_version'"),
    setResourceVersion: p(
      "INSERT INTO meta (key, value) VALUES ('resource_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
  }
}
