/**
 * @module
 * Watches a simulation and keeps, for each Deployment, one sample after every change to it,
 * its ReplicaSets or its pods, plus every event recorded on it (repeats included, in order).
 * Simulation tests assert rollout invariants over the samples ("never more than 11 pods,
 * never fewer than 9 available") and Kubernetes' event sequence over the events.
 */
import type { Deployment, Event } from '../api/types.ts'
import { isPodReady } from '../api/pod-readiness.ts'
import { isPodAvailable } from '../rollout/availability.ts'
import { controllerOf } from '../api/owner-refs.ts'
import { findNewReplicaSet } from '../rollout/replica-sets.ts'
import { rsReplicas } from '../rollout/spec-defaults.ts'
import type { CacheListener, ObjectCache } from '../reconciler/object-cache.ts'
import type { ObjectStore, Unsubscribe } from '../store/types.ts'
import type { Clock } from '../platform/clock.ts'

export interface RolloutSample {
  /** Ms since the recorder started. */
  t: number
  /** What changed: "Pod/busy-6d4f8-bbbbc MODIFIED". */
  cause: string
  /** Pods that exist and are not terminating. */
  pods: number
  /** Pods marked for deletion that still exist. */
  terminating: number
  ready: number
  /** Non-terminating pods available (Ready for longer than their RS's minReadySeconds). */
  available: number
  /** Existing pods (terminating included) of the Deployment's current template. */
  newPods: number
  /** Existing pods (terminating included) of every other template. */
  oldPods: number
  /** spec.replicas of the new ReplicaSet (0 while there is none). */
  newReplicas: number
  /** spec.replicas of every other ReplicaSet, summed. */
  oldReplicas: number
}

export interface RecordedEvent {
  t: number
  type: Event['type']
  reason: string
  message: string
}

export class Recorder {
  readonly #cache: ObjectCache
  readonly #clock: Clock
  readonly #start: number
  readonly #samples = new Map<string, RolloutSample[]>()
  readonly #events = new Map<string, RecordedEvent[]>()
  readonly #unsubscribe: Unsubscribe[]

  /**
   * `samples: 'on-demand'` takes a sample only when `sample()` is called (events are still all
   * recorded): a sample counts every pod of the Deployment, so one per change costs O(pods²)
   * over a rollout, which a 1,000-replica preview cannot afford.
   */
  constructor(
    store: ObjectStore,
    cache: ObjectCache,
    clock: Clock,
    opts: { samples?: 'every-change' | 'on-demand' } = {},
  ) {
    this.#cache = cache
    this.#clock = clock
    this.#start = clock.now()
    const onChange: CacheListener = (ev) => {
      const key = this.#deploymentKeyOf(ev.object)
      if (key) this.#sample(key, `${ev.object.kind}/${ev.object.metadata.name} ${ev.type}`)
    }
    this.#unsubscribe = [
      ...(opts.samples === 'on-demand' ? [] : [cache.subscribe(onChange)]),
      store.watch('Event', {}, (ev) => {
        const e = ev.object
        if (ev.type === 'DELETED' || e.involvedObject.kind !== 'Deployment') return
        const key = `${e.involvedObject.namespace ?? 'default'}/${e.involvedObject.name}`
        const list = this.#events.get(key) ?? []
        list.push({ t: this.#clock.now() - this.#start, type: e.type, reason: e.reason, message: e.message })
        this.#events.set(key, list)
      }),
    ]
  }

  stop(): void {
    for (const u of this.#unsubscribe) u()
  }

  /** Takes a sample of the Deployment now, without a change (a starting point). */
  sample(name: string, namespace = 'default', cause = 'sample'): void {
    this.#sample(`${namespace}/${name}`, cause)
  }

  samples(name: string, namespace = 'default'): readonly RolloutSample[] {
    return this.#samples.get(`${namespace}/${name}`) ?? []
  }

  events(name: string, namespace = 'default'): readonly RecordedEvent[] {
    return this.#events.get(`${namespace}/${name}`) ?? []
  }

  /** The largest and smallest value of a sample field over the whole run. */
  extremes(
    name: string,
    field: keyof Omit<RolloutSample, 'cause'>,
    namespace = 'default',
  ): { min: number; max: number } {
    const values = this.samples(name, namespace).map((s) => s[field])
    return { min: Math.min(...values), max: Math.max(...values) }
  }

  #deploymentKeyOf(obj: { kind: string; metadata: Deployment['metadata'] }): string | undefined {
    const ns = obj.metadata.namespace ?? 'default'
    if (obj.kind === 'Deployment') return `${ns}/${obj.metadata.name}`
    let ref = controllerOf(obj as Deployment)
    if (obj.kind === 'Pod' && ref?.kind === 'ReplicaSet') {
      const rs = this.#cache.get('ReplicaSet', ns, ref.name)
      ref = rs ? controllerOf(rs) : undefined
    }
    return ref?.kind === 'Deployment' ? `${ns}/${ref.name}` : undefined
  }

  #sample(key: string, cause: string): void {
    const [ns = 'default', name = ''] = key.split('/')
    const d = this.#cache.get('Deployment', ns, name)
    if (!d?.metadata.uid) return
    const now = this.#clock.now()
    const sets = this.#cache.ownedBy('ReplicaSet', d.metadata.uid)
    const newRS = findNewReplicaSet(d, sets)
    const s: RolloutSample = {
      t: now - this.#start,
      cause,
      pods: 0,
      terminating: 0,
      ready: 0,
      available: 0,
      newPods: 0,
      oldPods: 0,
      newReplicas: 0,
      oldReplicas: 0,
    }
    for (const rs of sets) {
      const isNew = rs === newRS
      if (isNew) s.newReplicas += rsReplicas(rs)
      else s.oldReplicas += rsReplicas(rs)
      for (const pod of this.#cache.ownedBy('Pod', rs.metadata.uid ?? '')) {
        if (isNew) s.newPods++
        else s.oldPods++
        if (pod.metadata.deletionTimestamp) {
          s.terminating++
          continue
        }
        s.pods++
        if (isPodReady(pod)) s.ready++
        if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, now)) s.available++
      }
    }
    const list = this.#samples.get(key) ?? []
    list.push(s)
    this.#samples.set(key, list)
  }
}
