/**
 * @module
 * The Docker e2e files' daemon: `baton up --runtime docker` against the test engine
 * ($DOCKER_HOST, the private dockerd of .ci/dockerd.sh) with the example images built there
 * first, and every container it owns removed after it stops.
 */
import { afterAll, beforeAll, expect } from 'vitest'
import { exampleImages, removeOwned, testEngine } from '../../../src/runtime/docker/testing.ts'
import { type Baton, startBaton } from './baton.ts'

export interface DockerBatonOptions {
  /** Fail the suite if a container of the daemon's outlived `baton down --all` (it is removed all the same). */
  expectNoneLeft?: boolean
}

/** Registers the suite's beforeAll and afterAll; the result returns the running Baton. */
export function useDockerBaton(o: DockerBatonOptions = {}): () => Baton {
  let baton: Baton | undefined

  beforeAll(async () => {
    await exampleImages(testEngine())
    baton = await startBaton({ runtime: 'docker' })
  }, 240_000)

  afterAll(async () => {
    const dataDir = baton?.dataDir
    await baton?.stop()
    // `down --all` removes every container; anything left is a bug, but must not outlive the test.
    if (dataDir) {
      const engine = testEngine()
      const left = o.expectNoneLeft
        ? await engine.listContainers({ all: true, filters: { label: [`baton.owner=${dataDir}`] } })
        : []
      await removeOwned(engine, dataDir)
      expect(left.map((c) => c.Names)).toEqual([])
    }
  }, 120_000)

  return () => baton as Baton
}
