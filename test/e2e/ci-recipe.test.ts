/**
 * examples/ci/deploy.sh, the deploy step of both CI recipes, run as a pipeline runs it against
 * a real daemon: two good builds make exactly two revisions with their change-causes; a build
 * whose readiness never passes makes the script roll back and exit 1, and the service keeps
 * answering with the last good build.
 */
import { spawn } from 'node:child_process'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectOk, REPO_ROOT, startBaton, type Baton } from './support/baton.ts'

const SCRIPT = join(REPO_ROOT, 'examples', 'ci', 'deploy.sh')
let baton: Baton
let manifest: string
let wrapper: string

beforeAll(async () => {
  baton = await startBaton()
  // The recipe's manifest, on this test's free service port instead of 8080.
  manifest = join(baton.dataDir, 'web.yaml')
  const text = await readFile(join(REPO_ROOT, 'examples', 'ci', 'web.yaml'), 'utf8')
  await writeFile(manifest, text.replace('port: 8080', `port: ${baton.servicePort}`))
  // $BATON for the script: this checkout's CLI on this test's daemon.
  wrapper = join(baton.dataDir, 'baton')
  await writeFile(
    wrapper,
    `#!/bin/sh\nexec ${baton
      .command([])
      .map((a) => `'${a}'`)
      .join(' ')} "$@"\n`,
  )
  await chmod(wrapper, 0o755)
}, 120_000)

afterAll(async () => {
  await baton?.stop()
})

function deploy(args: string[], timeout = '2m'): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, args, {
      env: { ...process.env, BATON: wrapper, BATON_HOME: baton.dataDir, TIMEOUT: timeout },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code: code ?? -1, out }))
  })
}

async function history(): Promise<string> {
  return expectOk('rollout history', await baton.cli(['rollout', 'history', 'deployment/web'])).stdout
}

/** The history now, or none before the first deploy made the Deployment. */
async function historySoFar(): Promise<string> {
  const r = await baton.cli(['rollout', 'history', 'deployment/web'])
  return r.code === 0 ? r.stdout : ''
}

/**
 * The history after builds with these change-causes were deployed, in order, onto `before`: a
 * build not running takes the next revision (its ReplicaSet new, or an old one scaled back up,
 * which leaves its old number), as in Kubernetes. From a fresh daemon, builds 1 and 2 are
 * revisions 1 and 2; a retried case (vitest's retry, P16) starts from the revisions its failed
 * attempt made.
 */
function afterDeploys(before: string, causes: readonly string[]): string {
  const rows = [...before.matchAll(/^(\d+) +(.*)$/gm)].map((m) => ({ revision: Number(m[1]), cause: m[2]! }))
  for (const cause of causes) {
    if (rows.at(-1)?.cause === cause) continue
    const revision = Math.max(0, ...rows.map((r) => r.revision)) + 1
    rows.splice(0, rows.length, ...rows.filter((r) => r.cause !== cause), { revision, cause })
  }
  return `deployment.apps/web\nREVISION  CHANGE-CAUSE\n${rows.map((r) => `${String(r.revision).padEnd(10)}${r.cause}\n`).join('')}\n`
}

describe('examples/ci/deploy.sh against a daemon', () => {
  it('makes one revision per build, with the build as its change-cause', { timeout: 240_000 }, async () => {
    const before = await historySoFar()
    const first = await deploy([
      'web:build-1',
      join(REPO_ROOT, 'examples', 'web', 'v1'),
      manifest,
      'deployment/web',
      'build 1',
    ])
    expect(first.code, first.out).toBe(0)
    const second = await deploy([
      'web:build-2',
      join(REPO_ROOT, 'examples', 'web', 'v2'),
      manifest,
      'deployment/web',
      'build 2 (a1b2c3d)',
    ])
    expect(second.code, second.out).toBe(0)
    expect(second.out).toMatch(/deployment "web" successfully rolled out/)
    // 1 build 1, 2 build 2 (a1b2c3d), from a fresh daemon.
    expect(await history()).toBe(afterDeploys(before, ['build 1', 'build 2 (a1b2c3d)']))
    expect(await (await fetch(baton.url('/'))).text()).toMatch(/^v2\b/)
  })

  it('rolls back a build that never becomes ready, exits 1, and keeps serving the last good one', {
    timeout: 240_000,
  }, async () => {
    const before = await history()
    const broken = await deploy(
      ['web:build-3', join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'never-ready'), manifest, 'deployment/web', 'build 3'],
      '10s',
    )
    expect(broken.code, broken.out).toBe(1)
    expect(broken.out).toMatch(/deploy\.sh: the rollout of web:build-3 did not complete; rolling deployment\/web back/)
    expect(broken.out).toMatch(/deployment\.apps\/web rolled back/)
    // The undo moves build 2's ReplicaSet to the next revision, as kubectl's does: 1 build 1,
    // 3 build 3, 4 build 2 (a1b2c3d) after the case before.
    expect(await history()).toBe(afterDeploys(before, ['build 3', 'build 2 (a1b2c3d)']))
    expect(await (await fetch(baton.url('/'))).text()).toMatch(/^v2\b/)
  })

  it('exits 3 without touching the Deployment when the push fails', { timeout: 60_000 }, async () => {
    const before = await history()
    const failed = await deploy([
      'web:build-4',
      join(baton.dataDir, 'no-such-build'),
      manifest,
      'deployment/web',
      'build 4',
    ])
    expect(failed.code, failed.out).toBe(3)
    expect(await history()).toBe(before)
  })
})
