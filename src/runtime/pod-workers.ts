/**
 * @module
 * The part of a node agent that is the same for every runtime: one worker per pod uid, kept in
 * step with the store. A watch event only names a pod (namespace/name); `sync` reads it and
 * starts, updates or terminates its worker (level-triggered). A burst of new pods (a
 * ReplicaSet creates up to 500 in one sync) is taken on a few at a time, one task each, so that
 * API requests are answered between them instead of after. Workers are keyed by uid, so a pod
 * deleted and re-created under the same name gets a new worker while the old one finishes
 * terminating. Background tasks are tracked so that stop() waits for them.
 */
import type { Pod } from '../api/types.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { ObjectStore, Unsubscribe } from '../store/types.ts'

/** The store's pods as an agent's start reads them, before it adopts what the last agent left. */
export interface ListedPods {
  /** The pods this agent runs. */
  mine: Pod[]
  /** The same, by uid: what an adopted container or pod state belongs to. */
  byUid: Map<string, Pod>
  /** The list's version: the watch starts there, so nothing between the list and it is missed. */
  resourceVersion: string
}

/** Pods synced per task while a burst of them waits. */
const POD_SYNCS_PER_TASK = 20

/** One pod's worker, as the agent drives it (process/pod-worker.ts, docker/docker-pod-worker.ts). */
export interface PodWorkerPort {
  /** namespace/name */
  readonly key: string
  readonly uid: string
  /** A newer snapshot of the pod; a deletionTimestamp starts termination. */
  update(pod: Pod): void
  /** Terminates the pod (idempotent); `removed`: the Pod object is gone already. */
  terminate(opts?: { removed?: boolean }): Promise<void>
  /** The agent stops: with `kill` the containers die, else they run on for the next agent. */
  shutdown(kill: boolean): Promise<void>
}

export interface PodWorkersOptions<W extends PodWorkerPort> {
  store: ObjectStore
  clock: Clock
  logger: Logger
  /** Whether this agent runs the pod (its node, its RuntimeClass). */
  isMine(pod: Pod): boolean
  /** A new, started worker for a pod this agent has not run before. */
  create(pod: Pod): W
}

/**
 * Which pods an agent runs: those bound to its node, of them those `runs` takes (default: all;
 * on a node with both runtimes, each agent takes the pods of its RuntimeClass).
 */
export function agentRuns(nodeName: string, runs: (pod: Pod) => boolean = () => true): (pod: Pod) => boolean {
  return (pod) => pod.spec.nodeName === nodeName && runs(pod)
}

export const podKey = (pod: Pod) => `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`

export class PodWorkers<W extends PodWorkerPort> {
  readonly workers = new Map<string, W>()
  #opts: PodWorkersOptions<W>
  #background = new Set<Promise<unknown>>()
  #pending = new Set<string>()
  #draining: TimerHandle | undefined
  #unwatch: Unsubscribe | undefined

  constructor(opts: PodWorkersOptions<W>) {
    this.#opts = opts
  }

  /** Runs `p` in the background: its failure is logged, and stop() waits for it. */
  track(p: Promise<unknown>, what: string): void {
    const guarded = p.catch((err: unknown) => this.#opts.logger.error('node agent task failed', { task: what, err }))
    this.#background.add(guarded)
    void guarded.finally(() => this.#background.delete(guarded))
  }

  /** Registers a worker made outside sync (an adopted pod's). */
  add(w: W): void {
    this.workers.set(w.uid, w)
  }

  /** Whether the agent has started (watch() has run) and not stopped since. */
  get watching(): boolean {
    return this.#unwatch !== undefined
  }

  /** The agent's start, first step: the pods it runs, as the store lists them now. */
  list(): ListedPods {
    const listed = this.#opts.store.list('Pod')
    const mine = listed.items.filter(this.#opts.isMine)
    return { mine, byUid: new Map(mine.map((p) => [p.metadata.uid ?? '', p])), resourceVersion: listed.resourceVersion }
  }

  /**
   * Registers the worker of a pod that ran under the last agent, once it has adopted what it
   * left: a pod deleted while no agent watched terminates now.
   */
  adopted(w: W, pod: Pod): void {
    this.add(w)
    if (pod.metadata.deletionTimestamp) w.update(pod)
  }

  /**
   * The agent's start, last step (after adoption): the listed pods no worker runs yet are
   * started, and the store's watch takes over from the list's version.
   */
  watch(listed: ListedPods): void {
    for (const pod of listed.mine) if (!this.workers.has(pod.metadata.uid ?? '')) this.sync(podKey(pod))
    this.#unwatch = this.#opts.store.watch('Pod', { resourceVersion: listed.resourceVersion }, (ev) =>
      this.enqueue(ev.object),
    )
  }

  /** Reconciles the workers of one pod name with the store. */
  sync(key: string): void {
    const { store, isMine } = this.#opts
    const [namespace = 'default', name = ''] = key.split('/')
    const pod = store.get('Pod', namespace, name)
    for (const w of this.workers.values()) {
      if (w.key === key && w.uid !== pod?.metadata.uid) this.#terminate(w, true)
    }
    if (!pod || !isMine(pod)) return
    const w = this.workers.get(pod.metadata.uid ?? '')
    if (w) return w.update(pod)
    if (pod.metadata.deletionTimestamp) {
      // Never started here: nothing to stop, so it can go at once.
      this.track(
        Promise.resolve().then(() => store.delete('Pod', namespace, name, { gracePeriodSeconds: 0 })),
        'delete pod',
      )
      return
    }
    this.add(this.#opts.create(pod))
  }

  /** A watch event about `pod`: its key is synced soon (batched, see the module comment). */
  enqueue(pod: Pod): void {
    const key = podKey(pod)
    if (!this.#opts.isMine(pod) && ![...this.workers.values()].some((w) => w.key === key)) return
    if (this.#pending.size === 0 && !this.#draining) queueMicrotask(() => this.#drain())
    this.#pending.add(key)
  }

  /** Ends the watch, shuts every worker down (`kill`: their containers too) and waits for every background task; returns how many there were. */
  async stop(kill: boolean): Promise<number> {
    this.#unwatch?.()
    this.#unwatch = undefined
    this.#draining?.cancel()
    this.#draining = undefined
    this.#pending.clear()
    const all = [...this.workers.values()]
    await Promise.all(all.map((w) => w.shutdown(kill)))
    while (this.#background.size > 0) await Promise.all([...this.#background])
    this.workers.clear()
    return all.length
  }

  #terminate(w: W, removed: boolean): void {
    this.track(
      w.terminate({ removed }).finally(() => this.workers.delete(w.uid)),
      'terminate pod',
    )
  }

  #drain(): void {
    this.#draining = undefined
    let n = 0
    for (const k of this.#pending) {
      if (n++ === POD_SYNCS_PER_TASK) {
        this.#draining = this.#opts.clock.setTimeout(() => this.#drain(), 0)
        return
      }
      this.#pending.delete(k)
      this.sync(k)
    }
  }
}
