import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { aPod } from '../../../test/support/builders.ts'
import { openArtifactStore, removeCheckout } from '../../artifacts/artifact-store.ts'
import { readLogs } from '../../logs/read-logs.ts'
import { systemClock } from '../../platform/clock.ts'
import { randomIds } from '../../platform/ids.ts'
import { openSqliteStore } from '../../store/sqlite/sqlite-store.ts'
import type { NodeAgent } from '../types.ts'
import { podDir } from './adoption.ts'
import { createProcessNodeAgent } from './process-node-agent.ts'
import { signalGroup } from './replica-process.ts'
import { condition, waitFor } from '../testing.ts'
import { APP_JS, containerGroup, liveGroupMembers, webContainer } from './testing.ts'

const DAEMON = fileURLToPath(new URL('./testdata/agent-daemon.ts', import.meta.url))
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function ticks(dir: string): Promise<string[]> {
  const out: string[] = []
  for await (const l of readLogs(dir, 'web')) if (l.startsWith('tick ')) out.push(l)
  return out
}

it('re-adopts replicas after the daemon is SIGKILLed: same process, no restart, Ready throughout, no log line lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-kill-'))
  cleanups.push(() => removeCheckout(dir))
  const artifactsDir = join(dir, 'artifacts')
  cpSync(APP_JS, join(dir, 'src', 'app.js'))
  await openArtifactStore(artifactsDir).push('web:v1', join(dir, 'src'))
  const db = join(dir, 'state.db')
  const dataDir = join(dir, 'data')
  const readiness = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 }
  const pod = aPod({
    name: 'survivor',
    phase: null,
    grace: 2,
    spec: { containers: [webContainer({ LOG_EVERY_MS: '10' }, { readinessProbe: readiness })] },
  })

  const daemon = spawn(process.execPath, [DAEMON, db, dataDir, artifactsDir, 'survivor', JSON.stringify(pod)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  cleanups.push(() => daemon.kill('SIGKILL'))
  let out = ''
  daemon.stdout.on('data', (c: Buffer) => (out += c.toString()))
  await waitFor('daemon reports Ready', () => out.includes('ready'), 20_000)
  daemon.kill('SIGKILL')
  await new Promise((r) => daemon.once('exit', r))

  const store = openSqliteStore(db, { clock: systemClock, ids: randomIds })
  cleanups.push(() => store.close())
  const before = store.get('Pod', 'default', 'survivor')
  const pgid = containerGroup(before) ?? 0
  cleanups.push(() => signalGroup(pgid, 'SIGKILL'))
  expect(liveGroupMembers(pgid).length).toBeGreaterThan(0)
  const logDir = podDir(dataDir, before?.metadata.uid ?? '')
  const collectedByTheKilledDaemon = (await ticks(logDir)).length

  const flips: string[] = []
  store.watch('Pod', {}, (ev) => flips.push(condition(ev.object, 'Ready') ?? 'gone'))
  const agent: NodeAgent = createProcessNodeAgent({
    store,
    clock: systemClock,
    dataDir,
    artifacts: openArtifactStore(artifactsDir),
  })
  cleanups.push(() => agent.stop({ stopPods: true }))
  await agent.start()
  await new Promise((r) => setTimeout(r, 1500))
  const after = store.get('Pod', 'default', 'survivor')
  expect(containerGroup(after)).toBe(pgid)
  expect(after?.status?.containerStatuses?.[0]).toMatchObject({ restartCount: 0, ready: true })
  expect(flips).not.toContain('False')
  // The app kept printing while no agent ran; the new agent stored all of it, each line once.
  const logged = await ticks(logDir)
  expect(logged).toEqual(logged.map((_, i) => `tick ${i}`))
  expect(logged.length).toBeGreaterThan(collectedByTheKilledDaemon + 50)

  store.delete('Pod', 'default', 'survivor')
  await waitFor('pod removed', () => store.get('Pod', 'default', 'survivor') === undefined)
  expect(liveGroupMembers(pgid)).toEqual([])
})
