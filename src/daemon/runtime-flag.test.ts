/** `--runtime`: a name Baton does not know, or an engine that does not answer, stops the daemon before it starts anything. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../test/e2e/support/ports.ts'

const MAIN = join(import.meta.dirname, 'main.ts')
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function daemon(runtime: string | undefined, dockerHost: string, recorded?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-runtime-flag-'))
  dirs.push(dataDir)
  if (recorded) writeFileSync(join(dataDir, 'runtime'), `${recorded}\n`)
  const flag = runtime === undefined ? [] : ['--runtime', runtime]
  const r = spawnSync(process.execPath, [MAIN, '--data-dir', dataDir, '--port', String(await freePort()), ...flag], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { ...r, dataDir }
}

describe('baton up --runtime', () => {
  it.each<[string, string | undefined, string, RegExp, string?]>([
    [
      'an unknown runtime',
      'kata',
      'unix:///nonexistent.sock',
      /invalid argument "kata" for "--runtime" flag\nhint: Use one of: process, docker/,
    ],
    [
      'docker with no engine at DOCKER_HOST',
      'docker',
      'unix:///nonexistent/docker.sock',
      /the Docker engine at unix:\/\/\/nonexistent\/docker.sock does not answer.*\nhint: Start dockerd, or point DOCKER_HOST at its socket/,
    ],
    [
      'another runtime than the data dir recorded',
      'process',
      'unix:///nonexistent.sock',
      /runs its pods on the docker runtime, not process\nhint: Start it with --runtime docker \(or without --runtime\)/,
      'docker',
    ],
    // Without the flag the recorded runtime is used: docker, whose engine is not there.
    [
      'no flag on a docker data dir when the engine is gone',
      undefined,
      'unix:///nonexistent/docker.sock',
      /the Docker engine at .* does not answer/,
      'docker',
    ],
  ])('refuses %s, starting nothing', async (_name, runtime, dockerHost, message, recorded) => {
    const r = await daemon(runtime, dockerHost, recorded)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(message)
    expect(existsSync(join(r.dataDir, 'proxy.json'))).toBe(false)
    expect(existsSync(join(r.dataDir, 'daemon.json'))).toBe(false)
  })
})
