/**
 * @module
 * Test harness for the process runtime (test-only; nothing in the daemon imports this): a
 * memory store, a real artifact store holding testdata/app.js as `web:v1`, an agent on a
 * temporary data dir, the test app's container and a check that no process of a pod
 * survives. Every harness is torn down after each test: pods stopped, stray groups killed,
 * directories removed.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'
import type { Container, Pod } from '../../api/types.ts'
import { openArtifactStore, removeCheckout } from '../../artifacts/artifact-store.ts'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { systemClock } from '../../platform/clock.ts'
import { randomIds } from '../../platform/ids.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import type { Logger } from '../../platform/logger.ts'
import type { ObjectStore } from '../../store/types.ts'
import type { DrainGate, NodeAgent } from '../types.ts'
import { createProcessNodeAgent } from './process-node-agent.ts'
import { processGroupMembers } from '../../platform/proc-stat.ts'
import { signalGroup } from './replica-process.ts'

export const APP_JS = fileURLToPath(new URL('./testdata/app.js', import.meta.url))
export const NODE = process.execPath

export interface Harness {
  store: ObjectStore
  artifacts: ArtifactStore
  dir: string
  dataDir: string
  agent: NodeAgent
  /** A new agent on the same store and data dir (what a restarted daemon builds). */
  newAgent(): NodeAgent
  /** Process groups seen in pod statuses; killed at teardown if still alive. */
  groups: Set<number>
}

const harnesses: Harness[] = []
const agents: NodeAgent[] = []

afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop({ stopPods: true })
  for (const h of harnesses.splice(0)) {
    for (const g of h.groups) signalGroup(g, 'SIGKILL')
    h.store.close()
    await removeCheckout(h.dir)
  }
})

export async function harness(opts: { drainGate?: DrainGate; logger?: Logger } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-rt-'))
  const store = createMemoryStore({ clock: systemClock, ids: randomIds })
  const artifacts = openArtifactStore(join(dir, 'artifacts'))
  const src = join(dir, 'src')
  cpSync(APP_JS, join(src, 'app.js'))
  await artifacts.push('web:v1', src)
  rmSync(src, { recursive: true })
  const dataDir = join(dir, 'data')
  const groups = new Set<number>()
  store.watch('Pod', {}, (ev) => {
    for (const cs of ev.object.status?.containerStatuses ?? []) {
      const pid = Number(cs.containerID?.replace('process://', ''))
      if (pid > 0) groups.add(pid)
    }
  })
  const newAgent = () => {
    const agent = createProcessNodeAgent({ store, clock: systemClock, dataDir, artifacts, ...opts })
    agents.push(agent)
    return agent
  }
  const h: Harness = { store, artifacts, dir, dataDir, agent: newAgent(), newAgent, groups }
  harnesses.push(h)
  return h
}

/**
 * The test app as container `web` from image web:v1, with a port named http; run it in
 * `aPod({ name, phase: null, grace: 2, spec: { containers: [webContainer()] } })` (test/support/builders.ts).
 */
export function webContainer(env: Record<string, string> = {}, extra: Partial<Container> = {}): Container {
  return {
    name: 'web',
    image: 'web:v1',
    command: [NODE, 'app.js'],
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
    ports: [{ name: 'http', containerPort: 8080 }],
    ...extra,
  }
}

/** Pid (= process group) of a pod's first container, from its status. */
export function containerGroup(pod: Pod | undefined): number | undefined {
  const id = pod?.status?.containerStatuses?.[0]?.containerID
  const pid = Number(id?.replace('process://', ''))
  return pid > 0 ? pid : undefined
}

export function liveGroupMembers(pgid: number): number[] {
  return processGroupMembers(pgid)
}

export function hasPodDirs(dataDir: string): boolean {
  try {
    return readdirSync(join(dataDir, 'pods')).length > 0
  } catch {
    return false
  }
}
