/**
 * @module
 * Wires Baton's controllers to one object cache and one runner each. Adding a controller is
 * one line in CONTROLLERS.
 *
 * @example
 * const controllers = startControllers({ store, clock: systemClock, ids: randomIds, logger })
 * // … later
 * controllers.stop()
 */
import { type Controller, ControllerRunner } from '../reconciler/controller.ts'
import { renderReconcileTotals } from '../reconciler/metrics.ts'
import { ObjectCache } from '../reconciler/object-cache.ts'
import type { ControllerDeps } from './controller-deps.ts'
import { createConfigRevisionController } from './config-revision/reconcile.ts'
import { createDeploymentController } from './deployment/reconcile.ts'
import { createEndpointsController } from './endpoints/reconcile.ts'
import { createFailurePolicyController } from './failure-policy/reconcile.ts'
import { createNamespaceController } from './namespace/reconcile.ts'
import { createReplicaSetController } from './replicaset/reconcile.ts'
import { createStatefulSetController } from './statefulset/reconcile.ts'
import { createRolloutController } from './rollout/reconcile.ts'
import { createAnalysisController } from './analysis/reconcile.ts'

export const CONTROLLERS: ReadonlyArray<(deps: ControllerDeps) => Controller> = [
  createDeploymentController,
  createConfigRevisionController,
  createReplicaSetController,
  createEndpointsController,
  createStatefulSetController,
  createRolloutController,
  createAnalysisController,
  createFailurePolicyController,
  createNamespaceController,
]

/** What the controllers are built from (ControllerDeps), but the cache, which the manager makes. */
export interface StartControllersOptions extends Omit<ControllerDeps, 'cache'> {
  /** Defaults to CONTROLLERS. */
  controllers?: ReadonlyArray<(deps: ControllerDeps) => Controller>
}

export interface ControllerManager {
  readonly cache: ObjectCache
  readonly runners: readonly ControllerRunner[]
  stop(): void
  /**
   * Reconciles ready keys of every controller, round-robin, until none is left; keys
   * delayed by requeueAfter or back-off wait for the clock. For simulations and tests.
   */
  runUntilIdle(): number
  /** controller_runtime_reconcile_total for every controller, in Prometheus' text format. */
  metrics(): string
}

export function startControllers(opts: StartControllersOptions): ControllerManager {
  const cache = new ObjectCache(opts.store)
  const { controllers: makers = CONTROLLERS, ...built } = opts
  const deps: ControllerDeps = { ...built, cache }
  const controllers = makers.map((make) => make(deps))
  for (const c of controllers) for (const w of c.watches) cache.track(w.kind)
  const runners = controllers.map((c) => new ControllerRunner(c, { cache, clock: opts.clock, logger: opts.logger }))
  for (const r of runners) r.start()
  // Starting the cache replays every stored object as ADDED: each runner enqueues it all.
  cache.start()
  return {
    cache,
    runners,
    stop() {
      for (const r of runners) r.stop()
      cache.stop()
    },
    metrics() {
      return renderReconcileTotals(runners.map((r) => ({ controller: r.controller.name, counts: r.outcomes })))
    },
    runUntilIdle() {
      let total = 0
      for (;;) {
        let n = 0
        for (const r of runners) if (r.processNextItem()) n++
        if (n === 0) return total
        total += n
      }
    },
  }
}
