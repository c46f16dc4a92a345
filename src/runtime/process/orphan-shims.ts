/**
 * @module
 * Replicas no agent knows of. A launch records its pid in the pod's state only once the replica
 * runs in its finished mount namespace; a daemon killed in between leaves a running shim that
 * no pod state names, so no later agent would adopt or stop it. At start the agent stops every
 * shim of its data directory that the pod states do not name, as the Docker runtime removes
 * containers that belong to no pod.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { readProcStat } from '../../platform/proc-stat.ts'
import { SHIM_NAME } from './replica-process.ts'

/**
 * Live shims whose exit-code file lies under `podsDir` (the shim's argv: sh -c SCRIPT baton-shim
 * EXIT_CODE_FILE COMMAND...) and whose pid is not in `known`.
 */
export function unknownShims(podsDir: string, known: ReadonlySet<number>): number[] {
  const prefix = podsDir.endsWith('/') ? podsDir : `${podsDir}/`
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || known.has(pid)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue // gone while we looked
    }
    const at = argv.indexOf(SHIM_NAME)
    if (at < 0 || !argv[at + 1]?.startsWith(prefix)) continue
    const st = readProcStat(pid)
    if (st && st.state !== 'Z' && st.state !== 'X') found.push(pid)
  }
  return found
}

/** SIGKILLs each shim's process group (a shim leads the group its replica runs in). */
export function killShimGroups(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}
