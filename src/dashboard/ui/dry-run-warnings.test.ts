import { describe, expect, it } from 'vitest'
import type { ArtifactStore } from '../../artifacts/types.ts'
import { FakeClock } from '../../platform/clock.ts'
import { sequentialIds } from '../../platform/ids.ts'
import { createApiApp } from '../../server/app.ts'
import { createMemoryStore } from '../../store/memory/memory-store.ts'
import { aDeployment, deploymentAsServed, T0 } from '../../../test/support/builders.ts'
import type { Deployment } from '../../api/types.ts'
import { dryRunWarnings } from './api.ts'

// The Set image dialog's warnings: the API's own, from a server-side dry run that stores nothing.
describe('dryRunWarnings', () => {
  it("returns the API's warnings about a new image and leaves the Deployment as it was", async () => {
    const clock = new FakeClock(T0)
    const store = createMemoryStore({ clock, ids: sequentialIds() })
    const artifacts = {
      resolve: (image: string) =>
        image === 'web:v1' ? { name: 'web', tag: 'v1', digest: 'sha256:ab', cmd: ['node', 'server.js'] } : undefined,
    } as unknown as ArtifactStore
    const app = createApiApp({ store, token: 't', clock, version: 'test', artifacts })
    const d = aDeployment(deploymentAsServed('web'))
    delete d.metadata.uid
    const stored = store.create(d) as Deployment
    const next = structuredClone(stored)
    next.spec.template.spec.containers[0]!.image = 'nginx:1.25'
    const transport = async (url: string | URL | Request, init?: RequestInit) => app.request(String(url), init)
    const warnings = await dryRunWarnings(next, { server: 'http://baton', token: 't', transport })
    expect(warnings).toEqual([
      expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.image: no artifact "nginx:1\.25" has been pushed/),
    ])
    expect(store.get('Deployment', 'default', 'web')?.spec.template.spec.containers[0]?.image).toBe('web:v1')
    expect(await dryRunWarnings(stored, { server: 'http://baton', token: 't', transport })).toEqual([])
  })
})
