/**
 * @module
 * Test support for the Docker runtime (nothing in the daemon imports this): the engine the
 * tests use is the one DOCKER_HOST names, normally the private dockerd of .ci/dockerd.sh. Without
 * DOCKER_HOST the engine tests skip with that reason in their title; in CI (CI=true) a missing
 * DOCKER_HOST is a failure, never a skip.
 */
import { createHash } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { envValue } from '../../platform/env.ts'
import { isRunning } from '../../platform/proc-stat.ts'
import { connectEngine, type Engine } from './engine.ts'
import { buildExampleImages, type BuiltImage } from './example-image.ts'

export const DOCKER_HOST = envValue('DOCKER_HOST')

if (DOCKER_HOST === undefined && envValue('CI') === 'true') {
  throw new Error(
    'CI=true but DOCKER_HOST is unset: .ci/run starts a private dockerd (.ci/dockerd.sh) for the Docker runtime tests',
  )
}

/** Appended to a describe title when the engine tests are skipped, so the report says why. */
export const SKIP_REASON = DOCKER_HOST === undefined ? ' (skipped: DOCKER_HOST is unset; run under .ci/dockerd.sh)' : ''

export const NO_ENGINE = DOCKER_HOST === undefined

export function testEngine(): Engine {
  return connectEngine(DOCKER_HOST)
}

let images: Promise<BuiltImage[]> | undefined

/**
 * web:v1 and web:v2 on the test engine. Test files run in parallel, so one builds while the
 * others wait on a lock file (its holder's pid inside; a dead holder's lock is taken over),
 * and then find the images built from the same inputs and skip the build.
 */
export function exampleImages(engine: Engine): Promise<BuiltImage[]> {
  images ??= withLock(
    `baton-example-images-${createHash('sha256')
      .update(DOCKER_HOST ?? '')
      .digest('hex')
      .slice(0, 12)}.lock`,
    () => buildExampleImages(engine, { nodeBinary: process.execPath, nodeVersion: process.version }),
  )
  return images
}

async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const path = join(tmpdir(), name)
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' })
      break
    } catch {
      let holder: number
      try {
        holder = Number(readFileSync(path, 'utf8').trim() || 0)
      } catch {
        continue // released meanwhile
      }
      if (holder > 0 && !isRunning(holder)) rmSync(path, { force: true })
      else await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(path, { force: true })
  }
}

/** Removes every container and engine volume of `owner` (what a test left behind, e.g. after a failed assertion). */
export async function removeOwned(engine: Engine, owner: string): Promise<void> {
  const left = await engine.listContainers({ all: true, filters: { label: [`baton.owner=${owner}`] } })
  await Promise.all(
    left.map((c) =>
      engine
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  )
  const { Volumes } = await engine.listVolumes({ filters: { label: [`baton.owner=${owner}`] } })
  await Promise.all(
    (Volumes ?? []).map((v) =>
      engine
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  )
}
