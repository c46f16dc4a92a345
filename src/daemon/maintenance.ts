/**
 * @module
 * `node src/daemon/maintenance.ts backup|restore FILE --data-dir DIR`: what `baton backup`
 * (with no daemon running) and `baton restore` run. Both take the data directory's lock
 * first, so no daemon starts while they work, and a running one makes them refuse with its
 * pid. Prints one line of JSON on success; on failure `error: CODE: message` and a hint.
 */
import { join, resolve } from 'node:path'
import { Command } from 'commander'
import { systemClock } from '../platform/clock.ts'
import { DATA_FILES, resolveDataDir } from '../platform/env.ts'
import { backupStateFile, restoreStateFile } from '../store/sqlite/backup.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { exitWithError } from './exit-with-error.ts'
import { secureDataDir } from './data-dir.ts'

const program = new Command('baton-maintenance')
  .argument('<action>', 'backup or restore')
  .argument('<file>', 'the backup file')
  .option('--data-dir <dir>', 'Data directory (default ./.baton or $BATON_HOME)')
  .parse()

const [action, file] = program.args as [string, string]
const o = program.opts<{ dataDir?: string }>()

try {
  process.umask(0o077)
  const dataDir = resolveDataDir(o.dataDir)
  secureDataDir(dataDir)
  const state = join(dataDir, DATA_FILES.state)
  const lock = lockDataDir(dataDir, action === 'restore' ? 'restore' : 'back up offline')
  try {
    const result =
      action === 'restore'
        ? restoreStateFile(resolve(file), state, systemClock.now())
        : await backupStateFile(state, resolve(file))
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    lock.release()
  }
  process.exit(0)
} catch (err) {
  exitWithError(err)
}
