import { describe, expect, it } from 'vitest'
import { aPod } from '../../test/support/builders.ts'
import type { PodStatus } from '../api/types.ts'
import { FakeClock } from '../platform/clock.ts'
import { sequentialIds } from '../platform/ids.ts'
import { silentLogger } from '../platform/logger.ts'
import { createMemoryStore } from '../store/memory/memory-store.ts'
import { deletePodObject, podRef, writePodStatus } from './pod-object.ts'

const fresh = () => {
  const store = createMemoryStore({ clock: new FakeClock(), ids: sequentialIds() })
  const pod = store.create<'Pod'>(aPod({ name: 'web-1', phase: null }))
  return { store, pod, ref: podRef(pod) }
}
const running = (message: string) => (): PodStatus => ({ phase: 'Running', message })

describe('writePodStatus', () => {
  it('writes the status on the latest version and returns it', () => {
    const { store, ref } = fresh()
    const written = writePodStatus(store, ref, running('a'), silentLogger)
    expect(written?.status).toEqual({ phase: 'Running', message: 'a' })
    expect(store.get('Pod', 'default', 'web-1')?.status).toEqual({ phase: 'Running', message: 'a' })
  })

  it('writes nothing when the status is unchanged', () => {
    const { store, ref } = fresh()
    const first = writePodStatus(store, ref, running('a'), silentLogger)
    const again = writePodStatus(store, ref, running('a'), silentLogger)
    expect(again?.metadata.resourceVersion).toBe(first?.metadata.resourceVersion)
  })

  it('builds again from the newer version after a conflict', () => {
    const { store, ref } = fresh()
    const seen: Array<string | undefined> = []
    const written = writePodStatus(
      store,
      ref,
      (pod) => {
        seen.push(pod.metadata.resourceVersion)
        // Someone else writes between our read and our write, once.
        if (seen.length === 1) store.update<'Pod'>({ ...pod, metadata: { ...pod.metadata, labels: { app: 'x' } } })
        return { phase: 'Running' }
      },
      silentLogger,
    )
    expect(seen).toHaveLength(2)
    expect(seen[0]).not.toBe(seen[1])
    expect(written?.metadata.labels).toEqual({ app: 'x' })
    expect(written?.status).toEqual({ phase: 'Running' })
  })

  it('never touches a pod of the same name that is another one, or a pod that is gone', () => {
    const { store, ref } = fresh()
    expect(writePodStatus(store, { ...ref, uid: 'other' }, running('a'), silentLogger)).toBeUndefined()
    expect(store.get('Pod', 'default', 'web-1')?.status).toBeUndefined()
    expect(writePodStatus(store, { ...ref, name: 'gone' }, running('a'), silentLogger)).toBeUndefined()
  })
})

describe('deletePodObject', () => {
  it('deletes its own pod, and not a newer one of the same name', () => {
    const { store, ref } = fresh()
    deletePodObject(store, { ...ref, uid: 'other' })
    expect(store.get('Pod', 'default', 'web-1')).toBeDefined()
    deletePodObject(store, ref)
    expect(store.get('Pod', 'default', 'web-1')).toBeUndefined()
    expect(() => deletePodObject(store, ref)).not.toThrow()
  })
})
