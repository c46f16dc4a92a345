import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isBatonError } from '../errors/baton-error.ts'
import { HISTORY_FILE } from './history.ts'
import { HOLDER_FILE, lockFleet } from './lock.ts'

const me = { command: 'baton fleet rollout -f fleet.yaml', startedAt: '2026-12-03T23:40:00.000Z' }
const dirs: string[] = []
const children: ChildProcess[] = []

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baton-fleet-lock-'))
  dirs.push(d)
  return d
}

/** Another coordinator: a real process that takes the lock, says so, and holds it until killed. */
async function holder(dir: string): Promise<ChildProcess> {
  const script = `
    import { lockFleet } from ${JSON.stringify(join(import.meta.dirname, 'lock.ts'))}
    lockFleet(${JSON.stringify(dir)}, 'web', { command: 'baton fleet rollout (the other)', startedAt: 'then' })
    console.log('locked')
    setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c))
  await vi.waitFor(() => expect(out).toContain('locked'), { timeout: 20_000 })
  return child
}

function refusal(dir: string): unknown {
  try {
    lockFleet(dir, 'web', me).release()
  } catch (err) {
    return err
  }
  return undefined
}

describe('lockFleet', () => {
  it('refuses a second coordinator while one holds the lock, naming the holder', async () => {
    const dir = stateDir()
    const other = await holder(dir)
    const err = refusal(dir)
    expect(isBatonError(err) && err.code).toBe('BATON_FLEET_LOCKED')
    expect((err as Error).message).toMatch(
      new RegExp(
        `^fleet web is being rolled by another coordinator: pid ${other.pid} on \\S+ \\(baton fleet rollout \\(the other\\)\\), since then$`,
      ),
    )
    expect((err as { hint?: string }).hint).toContain('rollout.lock')
  })

  it('a holder SIGKILLed mid-rollout leaves no lock behind: the next coordinator takes it and reports the record it left', async () => {
    const dir = stateDir()
    const other = await holder(dir)
    other.kill('SIGKILL')
    await new Promise((r) => other.once('exit', r))
    const lock = lockFleet(dir, 'web', me)
    expect(lock.recovered).toMatchObject({ pid: other.pid, command: 'baton fleet rollout (the other)' })
    lock.release()
  })

  it('a released lock leaves no record, and is taken again without a recovery', () => {
    const dir = stateDir()
    const first = lockFleet(dir, 'web', me)
    expect(existsSync(join(dir, HOLDER_FILE))).toBe(true)
    first.release()
    expect(existsSync(join(dir, HOLDER_FILE))).toBe(false)
    const second = lockFleet(dir, 'web', me)
    expect(second.recovered).toBeUndefined()
    second.release()
  })
})

const BATON_BIN = join(import.meta.dirname, '..', '..', 'bin', 'baton.mjs')

/** A fleet of one target (nothing answers there) and its manifest, in `dir`. */
function writeFleetFiles(dir: string): void {
  writeFileSync(
    join(dir, 'fleet.yaml'),
    `apiVersion: baton.dev/v1
kind: Fleet
metadata: {name: web}
spec:
  manifests: [deploy.yaml]
  targets: [{name: a, connection: {server: "http://127.0.0.1:1"}, service: {host: 127.0.0.1, port: 1}}]
  frontLoadBalancer: {listen: {port: 1}}
  windowSize: 1
`,
  )
  writeFileSync(
    join(dir, 'deploy.yaml'),
    `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 8080}]}
`,
  )
}

/** `baton fleet VERB` as a process, on the fleet in `dir`, whose state directory is `state`. */
function fleet(verb: 'rollout' | 'status', dir: string, state: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const child = spawn(
      process.execPath,
      [BATON_BIN, 'fleet', verb, '-f', join(dir, 'fleet.yaml'), '--state-dir', state],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }))
  })
}

function fleetRollout(dir: string, state: string) {
  writeFleetFiles(dir)
  return fleet('rollout', dir, state)
}

/** Its front load balancer is not running: status says so and goes on. */
const fleetStatusText = async (dir: string, state: string) => (await fleet('status', dir, state)).stdout

const RUNNING = JSON.stringify({
  revisions: [
    {
      revision: 1,
      startedAt: 'then',
      outcome: 'running',
      cause: 'baton fleet rollout',
      objects: [],
      artifacts: {},
      windows: [],
    },
  ],
  targets: {},
})

describe('baton fleet rollout and the lock', () => {
  it('a second rollout of one fleet is refused while the first holds the lock, and the history is left alone', async () => {
    const dir = stateDir()
    const state = join(dir, 'state')
    mkdirSync(state)
    const other = await holder(state)
    const r = await fleetRollout(dir, state)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain(`error: fleet web is being rolled by another coordinator: pid ${other.pid} on `)
    expect(r.stderr).toContain('hint: Wait for it to finish')
    expect(existsSync(join(state, HISTORY_FILE))).toBe(false)
  })

  it('status names the coordinator of a running rollout, and says interrupted once it was killed; the next rollout takes the lock and closes the revision', async () => {
    const dir = stateDir()
    const state = join(dir, 'state')
    mkdirSync(state)
    const other = await holder(state)
    writeFileSync(join(state, HISTORY_FILE), RUNNING)
    writeFleetFiles(dir)
    expect(await fleetStatusText(dir, state)).toContain(`  coordinator: pid ${other.pid} on `)
    other.kill('SIGKILL')
    await new Promise((r) => other.once('exit', r))
    expect(await fleetStatusText(dir, state)).toContain(
      `  interrupted: no coordinator holds the lock (the last was pid ${other.pid} on `,
    )
    const r = await fleetRollout(dir, state)
    expect(r.stderr).toContain(`fleet revision 1: interrupted: its coordinator (pid ${other.pid} on `)
    const h = JSON.parse(readFileSync(join(state, HISTORY_FILE), 'utf8')) as {
      revisions: Array<{ outcome: string; reason?: string; interrupted?: boolean }>
    }
    expect(h.revisions[0]).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^interrupted: /) })
    expect(h.revisions[0]).toMatchObject({ interrupted: true })
    // Then it recovers what the killed one left first: here, through a front load balancer that is not running.
    expect(r.stderr).toContain('recovering from interrupted revision 1 (failurePolicy rollback)')
    expect(r.stderr).toContain('no front load balancer runs for the state directory')
    expect(r.code).not.toBe(0)
  })
})
