import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseManifests } from './manifest.ts'
import { processRuntimeErrors } from './process-runtime-support.ts'
import type { Rollout } from './types.ts'
import { validateObject } from './validate.ts'

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'argo-rollouts')

describe("Argo Rollouts' own examples", () => {
  it('the getting-started canary (rollouts-demo) validates unchanged, steps and all', () => {
    const objects = parseManifests(readFileSync(join(FIXTURES, 'rollouts-demo-canary.yaml'), 'utf8')).map(
      validateObject,
    )
    expect(objects.map((o) => o.kind)).toEqual(['Rollout', 'Service'])
    // The process runtime refuses resources.requests for every workload kind (a Deployment's
    // too: no cgroup would apply them); that is the one line the example needs removed here.
    expect(processRuntimeErrors(objects[0]).map((e) => e.field)).toEqual([
      'spec.template.spec.containers[0].resources.requests',
    ])
    const r = objects[0] as Rollout
    expect(r.spec.strategy.canary?.steps).toHaveLength(8)
    expect(r.spec.template.spec.containers[0]?.image).toBe('argoproj/rollouts-demo:blue')
  })
})
