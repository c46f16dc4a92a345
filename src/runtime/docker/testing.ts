/**
 * @module
 * Test support for the Docker runtime (nothing in the daemon imports this): the engine the
 * tests use is the one DOCKER_HOST names, normally the private dockerd of .ci/dockerd.sh. Without
 * DOCKER_HOST the engine tests skip with that reason in their title; in CI (CI=true) a missing
 * DOCKER_HOST is a failure, never a skip.
 */
import { envValue } from '../../platform/env.ts'
import { connectEngine, type Engine } from './engine.ts'
import { buildExampleImages, type BuiltImage } from './example-image.ts'

export const DOCKER_HOST = envValue('DOCKER_HOST')

if (DOCKER_HOST === undefined && envValue('CI') === 'true') {
  throw new Error('CI=true but DOCKER_HOST is unset: .ci/run starts a private dockerd (.ci/dockerd.sh) for the Docker runtime tests')
}

/** Appended to a describe title when the engine tests are skipped, so the report says why. */
export const SKIP_REASON = DOCKER_HOST === undefined ? ' (skipped: DOCKER_HOST is unset; run under .ci/dockerd.sh)' : ''

export const NO_ENGINE = DOCKER_HOST === undefined

export function testEngine(): Engine {
  return connectEngine(DOCKER_HOST)
}

let images: Promise<BuiltImage[]> | undefined

/** web:v1 and web:v2, built once per test file (the engine's cache makes later builds quick). */
export function exampleImages(engine: Engine): Promise<BuiltImage[]> {
  images ??= buildExampleImages(engine, { nodeBinary: process.execPath })
  return images
}

/** Removes every container of `owner` (what a test left behind, e.g. after a failed assertion). */
export async function removeOwned(engine: Engine, owner: string): Promise<void> {
  const left = await engine.listContainers({ all: true, filters: { label: [`baton.owner=${owner}`] } })
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true }).catch(() => undefined)))
}
