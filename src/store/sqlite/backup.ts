/**
 * @module
 * Backups of the state file with SQLite's online backup (node:sqlite `backup()`): a
 * consistent copy page by page, taken while the daemon keeps writing (WAL readers do not
 * block the writer), written as one self-contained database file (no WAL beside it).
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs'
import { backup, DatabaseSync } from 'node:sqlite'
import { BatonError } from '../../errors/baton-error.ts'
import { MIGRATIONS } from './schema.ts'

/** Copies the store in `statePath` to `dest` (replaced if present); resolves with the objects it holds. */
export async function backupStateFile(statePath: string, dest: string): Promise<{ objects: number }> {
  if (!existsSync(statePath)) {
    throw new BatonError('BATON_STORE_MISSING', `there is no state file at ${statePath} to back up`, {
      hint: 'Point --data-dir (or BATON_HOME) at the data directory the daemon uses',
    })
  }
  const source = new DatabaseSync(statePath, { readOnly: true, timeout: 5000 })
  const tmp = `${dest}.partial`
  try {
    await backup(source, tmp)
    const objects = checkStoreFile(tmp, dest)
    renameSync(tmp, dest)
    return { objects }
  } finally {
    source.close()
    rmSync(tmp, { force: true })
  }
}

/**
 * Checks that `file` is a Baton state file this Baton can read, and returns how many objects
 * it holds; throws BATON_STORE_CORRUPT otherwise. `shownAs` names it in the error.
 */
export function checkStoreFile(file: string, shownAs = file): number {
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(file, { readOnly: true })
    const integrity = (db.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check
    if (integrity !== 'ok') throw new Error(`integrity check: ${integrity}`)
    const version =
      (db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)?.version ?? 0
    if (version < 1 || version > MIGRATIONS.length) throw new Error(`schema version ${version}`)
    return (db.prepare('SELECT COUNT(*) AS n FROM objects').get() as { n: number }).n
  } catch (err) {
    throw new BatonError(
      'BATON_STORE_CORRUPT',
      `${shownAs} is not a Baton state file this Baton can read: ${(err as Error).message}`,
      {
        hint: 'Pass a file written by `baton backup`',
        cause: err,
      },
    )
  } finally {
    if (db?.isOpen) db.close()
  }
}

/**
 * Replaces the state file with the backup `file` (checked first). The current state file
 * and its WAL are kept aside as `<state>.before-restore-<nowMs>`. The caller holds the data
 * directory's lock: no daemon may have the store open.
 */
export function restoreStateFile(
  file: string,
  statePath: string,
  nowMs: number,
): { objects: number; previous?: string } {
  const objects = checkStoreFile(file)
  const aside = `${statePath}.before-restore-${nowMs}`
  let previous: string | undefined
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(statePath + suffix)) continue
    renameSync(statePath + suffix, aside + suffix)
    if (suffix === '') previous = aside
  }
  copyFileSync(file, `${statePath}.restoring`)
  renameSync(`${statePath}.restoring`, statePath)
  return { objects, ...(previous ? { previous } : {}) }
}
