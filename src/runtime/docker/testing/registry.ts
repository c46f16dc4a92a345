/**
 * @module
 * Test support (nothing in the daemon imports this): a private image registry on loopback,
 * Debian's `docker-registry` (distribution 2.8) with htpasswd auth, its storage in a temp dir.
 * The engine pulls from 127.0.0.0/8 over plain HTTP without being told to (an insecure registry
 * by default). Without the binary the registry tests skip with that reason; in CI (CI=true)
 * .ci/run installs it, and a missing one is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../../../platform/clock.ts'
import { envValue } from '../../../platform/env.ts'
import { freePort } from '../../../../test/e2e/support/ports.ts'

export const REGISTRY_BINARY = '/usr/bin/docker-registry'
export const NO_REGISTRY = !existsSync(REGISTRY_BINARY)

if (NO_REGISTRY && envValue('CI') === 'true') {
  throw new Error(`CI=true but ${REGISTRY_BINARY} is missing: .ci/run installs Debian's docker-registry`)
}

export const REGISTRY_SKIP_REASON = NO_REGISTRY
  ? ` (skipped: no ${REGISTRY_BINARY}; apt-get install docker-registry)`
  : ''

export const REGISTRY_USER = 'baton'
export const REGISTRY_PASSWORD = 'baton-test-password'
/** bcrypt (cost 4, for speed) of REGISTRY_PASSWORD: htpasswd files hold only bcrypt. */
const REGISTRY_PASSWORD_BCRYPT = '$2b$04$UrKrISN6VmONXC3o9kqONeussAuSwwxtASOyYy9CcU8fNovaBbdoO'

export interface TestRegistry {
  /** host:port, as an image reference's registry part. */
  host: string
  stop(): Promise<void>
}

/** Starts the registry on a free loopback port and waits until it answers. */
export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-registry-'))
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  writeFileSync(join(dir, 'htpasswd'), `${REGISTRY_USER}:${REGISTRY_PASSWORD_BCRYPT}\n`)
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      `http: { addr: "${host}" }`,
      'auth:',
      `  htpasswd: { realm: baton-test, path: ${join(dir, 'htpasswd')} }`,
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  for (let attempt = 0; ; attempt++) {
    // /v2/ answers 401 without credentials once the registry serves.
    const status = await fetch(`http://${host}/v2/`)
      .then((r) => r.status)
      .catch(() => 0)
    if (status === 401) return { host, stop }
    if (child.exitCode !== null || attempt > 100) {
      await stop()
      throw new Error(`docker-registry did not start on ${host}`)
    }
    await systemClock.sleep(200)
  }
}
