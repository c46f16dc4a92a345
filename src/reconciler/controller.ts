/**
 * @module
 * The reconcile contract and the machinery that drives it (controller-runtime's
 * `reconcile.Reconciler` + `internal/controller`).
 *
 * A Controller says which kinds it watches and how a changed object maps to the keys to
 * reconcile (itself, or its controller owner); `reconcile(key, ctx)` re-reads the world and
 * returns `{requeue?, requeueAfterMs?}` or throws. `ctx` carries the reconcile's id and a
 * logger that names the controller, the key and that id (controller-runtime's
 * `reconcileID` in the context logger). The runner turns the outcome into queue actions in
 * ONE switch, and counts it (metrics.ts):
 *
 * | outcome                           | queue action                          | counted as      |
 * | --------------------------------- | ------------------------------------- | --------------- |
 * | returns, nothing to requeue       | forget (reset back-off)               | `success`       |
 * | returns requeueAfterMs            | forget, addAfter(requeueAfterMs)      | `requeue_after` |
 * | returns requeue: true             | addRateLimited                        | `requeue`       |
 * | throws a TerminalError (or wraps one in its `cause` chain) | log, forget, no retry | `error` |
 * | throws anything else              | log, addRateLimited (5 ms doubling)   | `error`         |
 *
 * reconcile is synchronous: the store is, and that keeps simulations deterministic. On start
 * the runner enqueues every cached object of the watched kinds, so a restarted daemon needs
 * no recovery code (P1).
 */
import type { AnyObject, Kind } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { WatchEventType } from '../store/types.ts'
import { controllerOf } from '../api/owner-refs.ts'
import { objectKey } from './keys.ts'
import { type ReconcileCounts, type ReconcileOutcome, newReconcileCounts } from './metrics.ts'
import type { CacheEvent, ObjectCache } from './object-cache.ts'
import { type BackoffPolicy, WorkQueue } from './work-queue.ts'

export interface ReconcileResult {
  /** Reconcile this key again after this many ms even if nothing changes. */
  requeueAfterMs?: number
  /** Reconcile this key again after the rate limiter's back-off (controller-runtime's Requeue). */
  requeue?: boolean
}

/** What the runner hands each reconcile: its id, and a logger carrying controller, key and id. */
export interface ReconcileContext {
  readonly reconcileId: number
  /** Built on first use (a reconcile that logs nothing pays nothing for it). */
  readonly logger: Logger
  /** Whether logger.debug writes: check it before building debug fields on a hot path. */
  readonly debug: boolean
}

/** How changes to one kind map to this controller's keys. */
export interface Watch {
  kind: Kind
  /**
   * Changes that can matter to this controller (controller-runtime's predicates); default all.
   * A filter must never hide a change the reconcile outcome depends on.
   */
  predicate?: (ev: CacheEvent) => boolean
  keys(obj: AnyObject, cache: ObjectCache): string[]
}

export interface Controller {
  readonly name: string
  readonly watches: readonly Watch[]
  reconcile(key: string, ctx: ReconcileContext): ReconcileResult | void
}

/** An error that retrying cannot fix (controller-runtime's TerminalError): logged, not retried. */
export class TerminalError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts)
    this.name = 'TerminalError'
  }
}

/**
 * Whether `err` is a TerminalError or wraps one anywhere in its `cause` chain, as
 * controller-runtime matches with `errors.Is(err, reconcile.TerminalError(nil))`.
 */
export function isTerminalError(err: unknown): boolean {
  const seen = new Set<unknown>()
  for (let e = err; e instanceof Error && !seen.has(e); e = e.cause) {
    if (e instanceof TerminalError) return true
    seen.add(e)
  }
  return false
}

/** The object's own key. */
export function enqueueSelf(kind: Kind, predicate?: (ev: CacheEvent) => boolean): Watch {
  return { kind, ...(predicate ? { predicate } : {}), keys: (obj) => [objectKey(obj)] }
}

/** A predicate passing only the given change types. */
export function onlyTypes(...types: WatchEventType[]): (ev: CacheEvent) => boolean {
  return (ev) => types.includes(ev.type)
}

/**
 * Passes additions, removals and changes of spec (generation), deletionTimestamp or labels,
 * but not status-only writes (controller-runtime's GenerationChangedPredicate, plus
 * deletion): a controller's own status write then does not wake it again.
 */
export function specChanged(ev: CacheEvent): boolean {
  if (ev.type !== 'MODIFIED' || !ev.old) return true
  const [a, b] = [ev.old.metadata, ev.object.metadata]
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels)
  )
}

/** The key of the object's controller owner when that owner is of `ownerKind` (pod → its ReplicaSet). */
export function enqueueController(kind: Kind, ownerKind: Kind, predicate?: (ev: CacheEvent) => boolean): Watch {
  return {
    kind,
    ...(predicate ? { predicate } : {}),
    keys(obj) {
      const ref = controllerOf(obj)
      return ref?.kind === ownerKind ? [`${obj.metadata.namespace ?? 'default'}/${ref.name}`] : []
    },
  }
}

/** Two hops up the controller chain, through the cache (pod → ReplicaSet → Deployment). */
export function enqueueGrandController(
  kind: Kind,
  ownerKind: Kind,
  grandOwnerKind: Kind,
  predicate?: (ev: CacheEvent) => boolean,
): Watch {
  return {
    kind,
    ...(predicate ? { predicate } : {}),
    keys(obj, cache) {
      const ref = controllerOf(obj)
      if (ref?.kind !== ownerKind) return []
      const namespace = obj.metadata.namespace ?? 'default'
      const owner = cache.get(ownerKind, namespace, ref.name)
      const grand = owner && owner.metadata.uid === ref.uid ? controllerOf(owner) : undefined
      return grand?.kind === grandOwnerKind ? [`${namespace}/${grand.name}`] : []
    },
  }
}

export interface RunnerOptions {
  cache: ObjectCache
  clock: Clock
  logger: Logger
  backoff?: BackoffPolicy
  /** Items processed per scheduled drain before yielding to the event loop. */
  batchSize?: number
}

export class ControllerRunner {
  readonly controller: Controller
  readonly queue: WorkQueue
  readonly #cache: ObjectCache
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #batchSize: number
  #unsubscribe: (() => void) | undefined
  #scheduled: TimerHandle | undefined
  #reconcileId = 0
  readonly #counts: ReconcileCounts = newReconcileCounts()

  constructor(controller: Controller, opts: RunnerOptions) {
    this.controller = controller
    this.#cache = opts.cache
    this.#clock = opts.clock
    this.#logger = opts.logger.with({ controller: controller.name })
    this.#batchSize = opts.batchSize ?? 256
    this.queue = new WorkQueue(opts.clock, opts.backoff)
    this.queue.onReady(() => this.#schedule())
  }

  /** Subscribes to cache changes and enqueues every existing object of the watched kinds. */
  start(): void {
    if (this.#unsubscribe) return
    const byKind = new Map<Kind, Watch[]>()
    for (const w of this.controller.watches) byKind.set(w.kind, [...(byKind.get(w.kind) ?? []), w])
    this.#unsubscribe = this.#cache.subscribe((ev) => {
      for (const w of byKind.get(ev.object.kind) ?? []) {
        if (w.predicate && !w.predicate(ev)) continue
        for (const key of w.keys(ev.object, this.#cache)) this.queue.add(key)
        // An owner change (adoption, orphaning) also concerns the previous owner.
        if (ev.old) for (const key of w.keys(ev.old, this.#cache)) this.queue.add(key)
      }
    })
    for (const w of this.controller.watches) {
      for (const obj of this.#cache.list(w.kind)) for (const key of w.keys(obj, this.#cache)) this.queue.add(key)
    }
  }

  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#scheduled?.cancel()
    this.#scheduled = undefined
    this.queue.shutdown()
  }

  /** How many reconciles this runner has started (a metric). */
  get reconciles(): number {
    return this.#reconcileId
  }

  /** Finished reconciles by outcome (controller_runtime_reconcile_total); a copy. */
  get outcomes(): ReconcileCounts {
    return { ...this.#counts }
  }

  /** Reconciles the next ready key; false when none is ready. */
  processNextItem(): boolean {
    const key = this.queue.get()
    if (key === undefined) return false
    try {
      this.#handle(key)
    } finally {
      this.queue.done(key)
    }
    return true
  }

  /** Processes ready keys until none is left (delayed keys wait for the clock). */
  runUntilIdle(): number {
    let n = 0
    while (this.processNextItem()) n++
    return n
  }

  #handle(key: string): void {
    this.#counts[this.#reconcile(key)]++
  }

  #reconcile(key: string): ReconcileOutcome {
    const reconcileId = ++this.#reconcileId
    // Built on first use: most reconciles log nothing, and the control plane runs thousands.
    let scoped: Logger | undefined
    const parent = this.#logger
    const ctx: ReconcileContext = {
      reconcileId,
      debug: parent.debugEnabled === true,
      get logger() {
        return (scoped ??= parent.with({ key, reconcileId }))
      },
    }
    const logger = () => ctx.logger
    let result: ReconcileResult | void
    try {
      result = this.controller.reconcile(key, ctx)
    } catch (err) {
      if (isTerminalError(err)) {
        logger().error('reconcile failed terminally', { err })
        this.queue.forget(key)
        return 'error'
      }
      const conflict = isBatonError(err) && err.code === 'BATON_CONFLICT'
      logger()[conflict ? 'debug' : 'error']('reconcile failed; retrying with back-off', {
        err,
        requeues: this.queue.numRequeues(key),
      })
      this.queue.addRateLimited(key)
      return 'error'
    }
    if (result?.requeueAfterMs !== undefined) {
      this.queue.forget(key)
      this.queue.addAfter(key, result.requeueAfterMs)
      return 'requeue_after'
    }
    if (result?.requeue === true) {
      this.queue.addRateLimited(key)
      return 'requeue'
    }
    this.queue.forget(key)
    return 'success'
  }

  /** Drains on the clock (a 0 ms timer), batchSize items at a time, so the event loop breathes. */
  #schedule(): void {
    if (this.#scheduled || !this.#unsubscribe) return
    this.#scheduled = this.#clock.setTimeout(() => {
      this.#scheduled = undefined
      for (let i = 0; i < this.#batchSize && this.processNextItem(); i++);
      if (this.queue.len() > 0) this.#schedule()
    }, 0)
  }
}
