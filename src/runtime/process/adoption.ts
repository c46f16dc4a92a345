/**
 * @module
 * What the agent persists so that a restarted daemon re-adopts running replicas instead of
 * restarting them: one JSON file per pod, rewritten (atomically, by rename) whenever a
 * container starts, exits, restarts or changes readiness.
 *
 *   <dataDir>/pods/<uid>/state.json                        this file
 *   <dataDir>/pods/<uid>/containers/<name>/rootfs          the container's artifact: a link to the shared copy (image-checkout.ts)
 *   <dataDir>/pods/<uid>/logs/<name>.log                   stdout+stderr (CRI format, logs/log-files.ts)
 *   <dataDir>/pods/<uid>/logs/<name>.{stdout,stderr}.raw   the app's own output files; <name>.offsets: how far collected
 *   <dataDir>/pods/<uid>/containers/<name>/exit-code       written by the shim when the app exits
 *
 * A recorded process is trusted only when its pid is alive with the recorded /proc start
 * time (see platform/proc-stat.ts), so a recycled pid is never mistaken for a replica.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerStatus } from '../../api/types.ts'
import { removeCheckout } from '../../artifacts/artifact-store.ts'
import type { PortMapping } from '../port-mapping.ts'
import type { ProcessIdentity } from './replica-process.ts'

export const STATE_VERSION = 1

export interface SavedContainer {
  name: string
  status: ContainerStatus
  /** The running instance, if any; `startedAt` in epoch ms. */
  process?: ProcessIdentity & { startedAt: number }
  /** Crash back-off the next exit will wait (../restart-backoff.ts). */
  pendingDelayMs: number
}

export interface PodState {
  version: typeof STATE_VERSION
  namespace: string
  name: string
  uid: string
  /** Epoch ms the agent accepted the pod (status.startTime). */
  startTime: number
  terminationGracePeriodSeconds: number
  portMappings: PortMapping[]
  containers: SavedContainer[]
}

export const podsDir = (dataDir: string) => join(dataDir, 'pods')
export const podDir = (dataDir: string, uid: string) => join(podsDir(dataDir), uid)
export const containerDir = (podPath: string, name: string) => join(podPath, 'containers', name)

export function writePodState(podPath: string, state: PodState): void {
  mkdirSync(podPath, { recursive: true })
  const file = join(podPath, 'state.json')
  writeFileSync(`${file}.tmp`, JSON.stringify(state))
  renameSync(`${file}.tmp`, file)
}

/** Every readable pod state under the data dir; unreadable or foreign files are skipped. */
export function readPodStates(dataDir: string): PodState[] {
  let entries: string[]
  try {
    entries = readdirSync(podsDir(dataDir))
  } catch {
    return []
  }
  const out: PodState[] = []
  for (const uid of entries) {
    try {
      const state = JSON.parse(readFileSync(join(podDir(dataDir, uid), 'state.json'), 'utf8')) as PodState
      if (state.version === STATE_VERSION && state.uid === uid) out.push(state)
    } catch {
      // A pod directory without a complete state file: nothing was started from it.
    }
  }
  return out
}

/** Removes a pod's directory, including its read-only artifact checkouts. */
export function removePodDir(podPath: string): Promise<void> {
  return removeCheckout(podPath)
}
