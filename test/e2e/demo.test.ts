/**
 * `baton demo` as the README's first command runs it: a fresh temporary data directory, a
 * daemon, the example app updated from v1 to v2 under 300 requests/s. It must exit 0, report
 * no failed request, and leave nothing behind: no process of its directory, no directory.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { NO_ENGINE, SKIP_REASON, testEngine } from '../../src/runtime/docker/testing.ts'
import { BATON_BIN, REPO_ROOT } from './support/baton.ts'
import { killAll, processesUnder } from './support/processes.ts'

const scratch = mkdtempSync(join(tmpdir(), 'baton-demo-test-'))
let demoDir: string | undefined

/** Whatever the outcome, nothing of a demo may survive it: its processes, found through its directory. */
function killDemo(): void {
  if (demoDir) killAll(processesUnder(demoDir))
  demoDir = undefined
}

afterAll(() => {
  killDemo()
  rmSync(scratch, { recursive: true, force: true })
})

function runDemo(args: string[], killAfterMs = 100_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    // BATON_HOME / BATON_SERVER must not matter: the demo brings its own daemon.
    const env = { ...process.env, BATON_HOME: join(scratch, 'unused-home'), BATON_SERVER: 'http://127.0.0.1:1' }
    const child = spawn(process.execPath, [BATON_BIN, 'demo', ...args], { cwd: REPO_ROOT, env })
    let out = ''
    let err = ''
    child.stdout.on('data', (b: Buffer) => (out += b))
    child.stderr.on('data', (b: Buffer) => (err += b))
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}

it('baton demo: a verified rolling update with 0 failed requests, then nothing left behind', async () => {
  // A retry (P16) or the next case runs a new demo; the failed one's processes go first.
  killDemo()
  const svg = join(scratch, 'demo.svg')
  const r = await runDemo(['--svg', svg])
  demoDir = /^Baton demo in (\S+) /.exec(r.out)?.[1]
  expect(demoDir, r.out + r.err).toMatch(/baton-demo-/)
  expect(r.err).toBe('')
  expect(r.code, r.out).toBe(0)
  expect(r.out).toMatch(/^deployment "web" successfully rolled out$/m)
  expect(r.out).toMatch(/^deployment\.apps\/web image updated$/m)
  expect(r.out).toMatch(
    /^verify http:\/\/127\.0\.0\.1:\d+\/: \d+ requests in [\d.]+ s \(300\/s, keep-alive over \d+ connections\)$/m,
  )
  expect(r.out).toMatch(/^ {2}result {4}PASS: no request failed$/m)
  expect(r.out).toMatch(/^ {2}failed {4}0$/m)
  // Both versions answered: the update really happened under the load.
  expect(r.out).toMatch(/^ {2}versions {2}v1 [\d.]+% {2}v2 [\d.]+%$/m)
  expect(r.out).toMatch(/^baton daemon stopped \(pid \d+\)$/m)
  expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /)
  const leftovers = processesUnder(demoDir!)
  killAll(leftovers)
  expect(leftovers).toEqual([])
  expect(existsSync(demoDir!)).toBe(false)
}, 120_000)

it.skipIf(NO_ENGINE)(
  `baton demo --runtime docker: the same verified update on containers, then no container left${SKIP_REASON}`,
  async () => {
    killDemo()
    const r = await runDemo(['--runtime', 'docker', '--svg', join(scratch, 'demo-docker.svg')], 280_000)
    demoDir = /^Baton demo in (\S+) /.exec(r.out)?.[1]
    expect(demoDir, r.out + r.err).toMatch(/baton-demo-/)
    expect(r.code, r.out + r.err).toBe(0)
    expect(r.out).toMatch(/^web:v1 sha256:[0-9a-f]{64}$/m)
    expect(r.out).toMatch(/^==> baton up -d --port \d+ --runtime docker$/m)
    expect(r.out).not.toMatch(/baton push/)
    expect(r.out).toMatch(/^ {2}failed {4}0$/m)
    expect(r.out).toMatch(/^ {2}versions {2}v1 [\d.]+% {2}v2 [\d.]+%$/m)
    const left = await testEngine().listContainers({
      all: true,
      filters: { label: [`baton.owner=${join(demoDir!, 'data')}`] },
    })
    expect(left).toEqual([])
    expect(existsSync(demoDir!)).toBe(false)
  },
  300_000,
)
