/**
 * The install path a user without a checkout takes: `npm pack` makes the package, `npm install
 * -g` installs it under a fresh prefix (its dependencies come from the registry), and the
 * installed `baton` starts a daemon and finds it from another working directory. It proves
 * the package holds what a user needs (the daemon's sources, the dashboard's built bundle)
 * and nothing needs the checkout.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/baton.ts'
import { freePort } from './support/ports.ts'

const work = mkdtempSync(join(tmpdir(), 'baton-install-'))
const prefix = join(work, 'prefix')
const home = join(work, 'home')
let daemonStarted = false

/** Stops the daemon the case started, if it did not get to stop it itself. */
function stopDaemon(): void {
  if (daemonStarted)
    spawnSync(process.execPath, [join(prefix, 'bin', 'baton'), 'down', '--all'], {
      env: { ...process.env, BATON_HOME: home },
      cwd: work,
    })
  daemonStarted = false
}

afterAll(() => {
  stopDaemon()
  rmSync(work, { recursive: true, force: true })
})

describe('npm install -g of the packed package', () => {
  it('installs a baton that runs the daemon from the package, from any directory', { timeout: 240_000 }, async () => {
    // A retry (P16) starts where its failed attempt stopped: its daemon stopped, its directories kept.
    stopDaemon()
    // The installed bin's `#!/usr/bin/env node` and npm itself run on this Node (24), as on a user's PATH.
    const env = { ...process.env, BATON_HOME: home, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` }
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!
    execFileSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball)],
      { cwd: work, env },
    )
    const baton = join(prefix, 'bin', 'baton')
    expect(existsSync(baton)).toBe(true)
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'baton-deploy', 'dist', 'ui', 'index.html'))).toBe(true)

    const port = await freePort()
    const a = join(work, 'a')
    const b = join(work, 'b')
    mkdirSync(a, { recursive: true })
    mkdirSync(b, { recursive: true })
    const up = spawnSync(baton, ['up', '-d', '--port', String(port)], {
      cwd: a,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    })
    daemonStarted = true
    expect(up.stdout).toMatch(new RegExp(`^baton daemon started \\(pid \\d+\\) on https://127\\.0\\.0\\.1:${port}\\n$`))
    const version = spawnSync(baton, ['version'], { cwd: b, env, encoding: 'utf8', timeout: 30_000 })
    expect(version.stdout).toBe('Client Version: v0.1.0\nServer Version: v0.1.0\n')
    const down = spawnSync(baton, ['down', '--all'], { cwd: b, env, encoding: 'utf8', timeout: 60_000 })
    expect(down.stdout).toMatch(/^baton daemon stopped \(pid \d+\)\n$/)
    daemonStarted = false
  })
})
