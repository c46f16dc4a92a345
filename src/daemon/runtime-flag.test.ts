/** `--runtime`: a name Baton does not know, or an engine that does not answer, stops the daemon before it starts anything. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../test/e2e/support/ports.ts'

const MAIN = join(import.meta.dirname, 'main.ts')
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function daemon(runtime: string, dockerHost: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-runtime-flag-'))
  dirs.push(dataDir)
  const r = spawnSync(process.execPath, [MAIN, '--data-dir', dataDir, '--port', String(await freePort()), '--runtime', runtime], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { ...r, dataDir }
}

describe('baton up --runtime', () => {
  it.each([
    ['an unknown runtime', 'kata', 'unix:///nonexistent.sock', /invalid argument "kata" for "--runtime" flag\nhint: Use one of: process, docker/],
    [
      'docker with no engine at DOCKER_HOST',
      'docker',
      'unix:///nonexistent/docker.sock',
      /the Docker engine at unix:\/\/\/nonexistent\/docker.sock does not answer.*\nhint: Start dockerd, or point DOCKER_HOST at its socket/,
    ],
  ])('refuses %s, starting nothing', async (_name, runtime, dockerHost, message) => {
    const r = await daemon(runtime, dockerHost)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(message)
    expect(existsSync(join(r.dataDir, 'proxy.json'))).toBe(false)
    expect(existsSync(join(r.dataDir, 'daemon.json'))).toBe(false)
  })
})
