/**
 * @module
 * The node-agent conformance suite (P9): every runtime (fake, process, docker) runs these
 * cases through its own fixture, so the fake that controller simulations rely on is proven to
 * behave like the real thing.
 *
 * @example
 * // src/runtime/fake/fake-node-agent.test.ts
 * runRuntimeConformance('FakeNodeAgent', async () => ({ store, agent, newAgent, eventually, elapse, podSpec, cleanup }))
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Pod, PodSpec } from '../api/types.ts'
import type { ObjectStore } from '../store/types.ts'
import type { NodeAgent } from './types.ts'

export interface PodSpecOptions {
  /** Give the container an httpGet readiness probe on "/" of its declared port. */
  readinessProbe: boolean
  /** Use an image the runtime cannot pull. */
  missingImage?: boolean
}

export interface RuntimeFixture {
  store: ObjectStore
  /** Started by the suite. */
  agent: NodeAgent
  /** Another agent for the same node and store, as after a daemon restart. */
  newAgent(): NodeAgent
  /** Resolves with probe()'s first truthy value; rejects after timeoutMs of the runtime's time. */
  eventually<T>(probe: () => T | undefined | false, timeoutMs: number): Promise<T>
  /** Lets `ms` of the runtime's time pass. */
  elapse(ms: number): Promise<void>
  /** A pod spec with one container declaring one containerPort; runs on this runtime. */
  podSpec(opts: PodSpecOptions): PodSpec
  cleanup(): Promise<void>
}

/** Generous for real processes; a fake clock gets there in microseconds. */
const TIMEOUT_MS = 20_000

export function runRuntimeConformance(name: string, setup: () => Promise<RuntimeFixture>): void {
  describe(`NodeAgent conformance: ${name}`, () => {
    let f: RuntimeFixture
    const agents: NodeAgent[] = []

    beforeEach(async () => {
      f = await setup()
      agents.push(f.agent)
      await f.agent.start()
    })

    afterEach(async () => {
      for (const a of agents.splice(0)) await a.stop({ stopPods: true })
      await f.cleanup()
    })

    const create = (name: string, opts: PodSpecOptions): Pod =>
      f.store.create<'Pod'>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: 'conformance' } },
        spec: { ...f.podSpec(opts), nodeName: f.agent.nodeName },
      })
    const get = (name: string) => f.store.get('Pod', 'default', name)
    const condition = (pod: Pod | undefined, type: string) => pod?.status?.conditions?.find((c) => c.type === type)
    const isReady = (pod: Pod | undefined) => condition(pod, 'Ready')?.status === 'True'

    it('runs a pod to Running and Ready with the four conditions and a host port', async () => {
      create('probed', { readinessProbe: true })
      const pod = await f.eventually(() => {
        const p = get('probed')
        return p?.status?.phase === 'Running' && isReady(p) && p
      }, TIMEOUT_MS)
      for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
        expect(condition(pod, type)).toMatchObject({ status: 'True', lastTransitionTime: expect.any(String) })
      }
      const [status] = pod.status?.containerStatuses ?? []
      expect(status).toMatchObject({ ready: true, restartCount: 0, state: { running: expect.any(Object) } })
      const declared = pod.spec.containers[0]?.ports?.[0]?.containerPort
      const mapping = pod.status?.portMappings?.find((m) => m.containerPort === declared)
      expect(mapping?.hostPort).toBeGreaterThan(0)
    })

    it('makes a pod without a readiness probe ready once it runs', async () => {
      create('unprobed', { readinessProbe: false })
      const pod = await f.eventually(() => {
        const p = get('unprobed')
        return isReady(p) && p
      }, TIMEOUT_MS)
      expect(pod.status?.phase).toBe('Running')
    })

    it('marks a deleted pod not ready at once, then removes the object', async () => {
      create('doomed', { readinessProbe: true })
      await f.eventually(() => isReady(get('doomed')), TIMEOUT_MS)
      f.store.delete('Pod', 'default', 'doomed')
      const terminating = await f.eventually(() => {
        const p = get('doomed')
        return (p === undefined || !isReady(p)) && { pod: p }
      }, 5_000)
      if (terminating.pod) expect(condition(terminating.pod, 'Ready')?.status).toBe('False')
      await f.eventually(() => get('doomed') === undefined, TIMEOUT_MS)
    })

    it('reports a missing image as ErrImagePull/ImagePullBackOff and never Ready', async () => {
      create('unpullable', { readinessProbe: true, missingImage: true })
      // A pull takes a while on an engine (its registry lookup fails over the network), and
      // until it fails the container is ContainerCreating, as with the kubelet.
      const pulling = (r: string | undefined) => r === undefined || r === 'ContainerCreating'
      const reason = await f.eventually(() => {
        const r = get('unpullable')?.status?.containerStatuses?.[0]?.state.waiting?.reason
        return !pulling(r) && r
      }, TIMEOUT_MS)
      expect(['ErrImagePull', 'ImagePullBackOff']).toContain(reason)
      await f.elapse(3_000)
      const pod = get('unpullable')
      expect(isReady(pod)).toBe(false)
      expect(pod?.status?.phase).not.toBe('Running')
      expect(['ErrImagePull', 'ImagePullBackOff']).toContain(pod?.status?.containerStatuses?.[0]?.state.waiting?.reason)
    })

    it('keeps restartCount at 0 for a healthy pod', async () => {
      create('healthy', { readinessProbe: true })
      await f.eventually(() => isReady(get('healthy')), TIMEOUT_MS)
      await f.elapse(2_000)
      const pod = get('healthy')
      expect(isReady(pod)).toBe(true)
      expect(pod?.status?.containerStatuses?.map((s) => s.restartCount)).toEqual([0])
    })

    it('re-adopts running pods after a restart of the agent, without counting a restart', async () => {
      create('survivor', { readinessProbe: true })
      const before = await f.eventually(() => {
        const p = get('survivor')
        return isReady(p) && p
      }, TIMEOUT_MS)
      await f.agent.stop()
      const next = f.newAgent()
      agents.push(next)
      await next.start()
      await f.elapse(2_000)
      const after = get('survivor')
      expect(isReady(after)).toBe(true)
      const [b] = before.status?.containerStatuses ?? []
      const [a] = after?.status?.containerStatuses ?? []
      expect(a?.restartCount).toBe(0)
      expect(a?.containerID).toBe(b?.containerID)
      expect(a?.state.running?.startedAt).toBe(b?.state.running?.startedAt)
      // A re-adopted pod is still managed: deleting it still removes it.
      f.store.delete('Pod', 'default', 'survivor')
      await f.eventually(() => get('survivor') === undefined, TIMEOUT_MS)
    })
  })
}
