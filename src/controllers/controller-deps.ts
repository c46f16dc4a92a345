/**
 * @module
 * What every Baton controller is built from: the store to write to, the cache to read from,
 * and the injected clock, id source and logger.
 */
import type { FeatureGates } from '../api/feature-gates.ts'
import type { Clock } from '../platform/clock.ts'
import type { IdSource } from '../platform/ids.ts'
import type { Logger } from '../platform/logger.ts'
import type { ObjectCache } from '../reconciler/object-cache.ts'
import type { TrafficSample } from '../rollout/revision-figures.ts'
import type { ObjectStore } from '../store/types.ts'
import type { JobOutputRef } from './analysis/job-provider.ts'
import type { WebAnswer, WebCheck } from './analysis/web-provider.ts'

export interface ControllerDeps {
  store: ObjectStore
  cache: ObjectCache
  clock: Clock
  ids: IdSource
  logger: Logger
  /** The node new pods are bound to (default DEFAULT_NODE_NAME). */
  nodeName?: string
  /** Kubernetes feature gates (`baton up --feature-gates`); DEFAULT_FEATURE_GATES when absent. */
  features?: FeatureGates
  /** The load balancer's latest per-revision figures (the daemon polls them); absent: none. */
  traffic?: () => TrafficSample | undefined
  /**
   * The web analysis provider's GETs (the daemon makes them): the answer of the request made
   * under `key`, once it is back (then forgotten); starts it when none is under way.
   */
  web?: (key: string, check: WebCheck) => WebAnswer | undefined
  /**
   * The job analysis provider's output (the daemon reads it from the node's runtime): the last
   * lines of a finished job container's output, read under `key`, once read (then forgotten);
   * starts the read when none is under way. Absent: measurements carry no output.
   */
  jobs?: (key: string, output: JobOutputRef) => string | undefined
}
