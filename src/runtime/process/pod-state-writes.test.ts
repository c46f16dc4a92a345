import { aPod } from '../../../test/support/builders.ts'
import { describe, expect, it, vi } from 'vitest'
import type { PodState } from './adoption.ts'
import { getPod, waitFor } from '../testing.ts'
import { harness, webContainer } from './testing.ts'

/** Every state.json write, by pod name. */
const writes = vi.hoisted(() => new Map<string, PodState[]>())
vi.mock('./adoption.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./adoption.ts')>()
  return {
    ...real,
    writePodState: (podPath: string, state: PodState) => {
      writes.set(state.name, [...(writes.get(state.name) ?? []), structuredClone(state)])
      real.writePodState(podPath, state)
    },
  }
})

describe('pod state file', () => {
  it('is not rewritten while a container only changes its waiting reason (an image-pull retry)', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(
      aPod({ name: 'waits', phase: null, grace: 2, spec: { containers: [{ name: 'app', image: 'never-pushed:v1' }] } }),
    )
    // ErrImagePull, then ImagePullBackOff: two changes of the waiting reason, each a status write.
    await waitFor(
      'ImagePullBackOff',
      () => getPod(h.store, 'waits')?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff',
    )
    expect(writes.get('waits')).toHaveLength(1)
  })

  it('is rewritten when a container starts, with what re-adoption needs', async () => {
    const h = await harness()
    await h.agent.start()
    h.store.create(aPod({ name: 'runs', phase: null, grace: 2, spec: { containers: [webContainer()] } }))
    await waitFor('running', () => getPod(h.store, 'runs')?.status?.containerStatuses?.[0]?.state.running)
    const last = writes.get('runs')?.at(-1)
    expect(last?.containers[0]?.process?.pid).toBeGreaterThan(0)
    expect(writes.get('runs')!.length).toBeGreaterThan(1)
  })
})
