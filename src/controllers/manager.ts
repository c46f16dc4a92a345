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
import type { FeatureGates } from '../api/feature-gates.ts'
import type { Clock } from '../platform/clock.ts'
import type { IdSource } from '../platform/ids.ts'
import type { Logger } from '../platform/logger.ts'
import { type Controller, ControllerRunner } from '../reconciler/controller.ts'
import { renderReconcileTotals } from '../reconciler/metrics.ts'
import { ObjectCache } from '../reconciler/object-cache.ts'
import type { TrafficSample } from '../rollout/revision-figures.ts'
import type { ObjectStore } from '../store/types.ts'
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
import type { JobOutputRef } from './analysis/job-provider.ts'
import type { WebAnswer, WebCheck } from './analysis/web-provider.ts'

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

export interface StartControllersOptions {
  store: ObjectStore
  clock: Clock
  ids: IdSource
  logger: Logger
  nodeName?: string
  /** Kubernetes feature gates (api/feature-gates.ts); their defaults when absent. */
  features?: FeatureGates
  /** The load balancer's per-revision figures, for the failure-policy controller. */
  traffic?: () => TrafficSample | undefined
  /** The web analysis provider's GETs (ControllerDeps.web). */
  web?: (key: string, check: WebCheck) => WebAnswer | undefined
  /** The job analysis provider's output tails (ControllerDeps.jobs). */
  jobs?: (key: string, output: JobOutputRef) => string | undefined
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
  const deps: ControllerDeps = {
    store: opts.store,
    cache,
    clock: opts.clock,
    ids: opts.ids,
    logger: opts.logger,
    ...(opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}),
    ...(opts.features !== undefined ? { features: opts.features } : {}),
    ...(opts.traffic ? { traffic: opts.traffic } : {}),
    ...(opts.web ? { web: opts.web } : {}),
    ...(opts.jobs ? { jobs: opts.jobs } : {}),
  }
  const controllers = (opts.controllers ?? CONTROLLERS).map((make) => make(deps))
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
