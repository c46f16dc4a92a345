/**
 * @module
 * The data directory before the daemon uses it: private to its owner, and not mistaken for a
 * new one when its state file was lost.
 *
 * Privacy: the directory is 0700 and Baton's entries in it lose every group and other
 * permission bit (state.db and its WAL, the tokens, the logs, the artifact and pod trees),
 * so a directory made by an older Baton, or under a loose umask, is closed at the next start.
 * Nothing below the top level is walked: with the directory at 0700 no other user reaches it,
 * and an artifact tree may be large.
 *
 * A forgotten store: the state file is the only record of which replicas Baton runs. A
 * missing or empty one (resourceVersion 0) beside pods, artifacts or a load balancer from
 * earlier use means the state was lost, not that Baton is new here; starting would make the
 * node agent stop every replica as an orphan. The daemon refuses unless told to start over.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { DATA_FILES } from '../platform/env.ts'
import { PROXY_FILES } from '../proxy/proxy-files.ts'

/** Names of the entries Baton keeps in a data directory (a file the user put there is left alone). */
const BATON_ENTRY =
  /^(token|kubeconfig|(ca|server)\.(crt|key)|daemon\.(json|pid|lock|lock-journal|log)|state\.db.*|backup-\d+\.db|artifacts|pods|proxy\..*)$/

/** Creates the data directory (0700) and takes group and other bits off it and Baton's entries in it. */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  chmodSync(dataDir, 0o700)
  for (const name of readdirSync(dataDir)) {
    if (!BATON_ENTRY.test(name)) continue
    const path = join(dataDir, name)
    const st = lstatSync(path, { throwIfNoEntry: false })
    if (!st || st.isSymbolicLink()) continue
    if ((st.mode & 0o077) !== 0) chmodSync(path, st.mode & 0o7700)
  }
}

/** What in the data directory shows that a daemon ran here before; empty for a new one. */
export function traceOfEarlierUse(dataDir: string): string[] {
  const traces: string[] = []
  const nonEmpty = (name: string) => {
    try {
      return readdirSync(join(dataDir, name)).length > 0
    } catch {
      return false
    }
  }
  if (nonEmpty(DATA_FILES.pods)) traces.push(`pods (${join(dataDir, DATA_FILES.pods)})`)
  if (nonEmpty(DATA_FILES.artifacts)) traces.push(`pushed artifacts (${join(dataDir, DATA_FILES.artifacts)})`)
  if (existsSync(join(dataDir, PROXY_FILES.info))) traces.push(`a load balancer (${join(dataDir, PROXY_FILES.info)})`)
  return traces
}

/** BATON_STORE_MISSING: the state file is missing or empty but `traces` show earlier use. */
export function forgottenStore(dataDir: string, traces: readonly string[]): BatonError {
  return new BatonError(
    'BATON_STORE_MISSING',
    `the state file ${join(dataDir, DATA_FILES.state)} is missing or empty, but the data directory holds ${traces.join(', ')}: ` +
      'starting would forget them and stop every running replica',
    {
      hint:
        'Restore a backup with `baton restore FILE` (the daemon stopped), then `baton up`; ' +
        'or start over on purpose with `baton up --reset` (the replicas Baton no longer knows are stopped). See docs/backup.md',
    },
  )
}

/**
 * Moves the state file and its WAL aside (`state.db.reset-<ms>`), so that the daemon starts
 * with an empty store; returns the new name of the state file, undefined when there was none.
 */
export function setStateAside(dataDir: string, nowMs: number): string | undefined {
  const state = join(dataDir, DATA_FILES.state)
  const aside = `${state}.reset-${nowMs}`
  let moved: string | undefined
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(state + suffix)) continue
    renameSync(state + suffix, aside + suffix)
    if (suffix === '') moved = aside
  }
  return moved
}
