/**
 * @module
 * The SQLite schema as an append-only list of migrations. `schema_version` holds how many
 * have run; opening a store runs the missing ones in one transaction. Never edit a shipped
 * migration: append a new one.
 *
 * The file holds what a restart needs and nothing the store can rebuild: every read is
 * answered from memory (sqlite-store.ts), so the file is only written, and read once at open.
 * Every table and index is a page a write may touch (and a WAL frame it appends).
 *
 * Tables (as of migration 2):
 * - objects: the current objects, one JSON document per (kind, namespace, name).
 * - meta: 'resource_version', the highest resourceVersion ever written, so that a reopened
 *   store continues above it even when the newest objects were deleted.
 *
 * Migration 1 also kept owner_refs (owner uid -> dependent) and changes (the watch history);
 * both now live in memory only, rebuilt from the objects (the owner index) or started empty
 * (the history: a watch from before a restart gets BATON_GONE, as from a restarted
 * kube-apiserver, whose watch cache is in memory too).
 */
import type { DatabaseSync } from 'node:sqlite'
import { BatonError } from '../../errors/baton-error.ts'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE objects (
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     uid TEXT NOT NULL,
     resource_version INTEGER NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (kind, namespace, name)
   );
   CREATE TABLE owner_refs (
     owner_uid TEXT NOT NULL,
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     PRIMARY KEY (owner_uid, kind, namespace, name)
   ) WITHOUT ROWID;
   CREATE TABLE changes (
     resource_version INTEGER PRIMARY KEY,
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     type TEXT NOT NULL,
     json TEXT NOT NULL
   );`,
  `CREATE TABLE meta (
     key TEXT PRIMARY KEY,
     value INTEGER NOT NULL
   ) WITHOUT ROWID;
   INSERT INTO meta (key, value)
     SELECT 'resource_version', COALESCE(MAX(rv), 0)
     FROM (SELECT MAX(resource_version) AS rv FROM changes UNION ALL SELECT MAX(resource_version) FROM objects);
   DROP TABLE changes;
   DROP TABLE owner_refs;`,
]

/** Brings the database to the newest schema; refuses one written by a newer Baton. */
export function migrate(db: DatabaseSync, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined
  const version = row?.version ?? 0
  if (version > MIGRATIONS.length) {
    throw new BatonError('BATON_STORE', `state file ${path} has schema version ${version}, newer than this Baton's`, {
      hint: 'Upgrade Baton, or point it at another data directory',
    })
  }
  if (version === MIGRATIONS.length) return
  db.exec('BEGIN IMMEDIATE')
  try {
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql)
    db.exec('DELETE FROM schema_version')
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length)
    db.exec('COMMIT')
  } catch (err) {
    db.exec('ROLLBACK')
    throw err
  }
}
