/**
 * @module
 * Kubernetes' slowStartBatch (pkg/controller/replicaset/replica_set.go), ported as it is:
 * call `fn` `count` times in batches of 1, 2, 4, 8, …, stopping after the first batch in
 * which any call failed. A template that can never be created (a quota, a bad name, a full
 * store) then costs one failed call, not `count` of them, while healthy creates ramp up fast.
 *
 * Kubernetes runs a batch's calls in parallel goroutines; the store here is synchronous, so
 * a batch runs in order, but with the same rule: every call of a batch is made, and the
 * count of successes and the first error are returned.
 *
 * @example
 * slowStartBatch(10, SLOW_START_INITIAL_BATCH_SIZE, () => createPod())
 * // batches 1, 2, 4, 3 → { successes: 10 }
 */

/** controller.SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1

/**
 * The most pods one ReplicaSet sync creates or deletes (the ReplicaSet controller's
 * burstReplicas, 500): the rest waits for the next sync, which the new pods' own events
 * trigger, so one enormous ReplicaSet shares the controller (and the event loop) with
 * everything else.
 */
export const BURST_REPLICAS = 500

export interface SlowStartResult {
  successes: number
  /** The first error of the batch that failed; undefined when every call succeeded. */
  error?: unknown
}

export function slowStartBatch(count: number, initialBatchSize: number, fn: () => void): SlowStartResult {
  let remaining = count
  let successes = 0
  for (
    let batchSize = Math.min(remaining, initialBatchSize);
    batchSize > 0;
    batchSize = Math.min(2 * batchSize, remaining)
  ) {
    const errors: unknown[] = []
    for (let i = 0; i < batchSize; i++) {
      try {
        fn()
      } catch (err) {
        errors.push(err)
      }
    }
    successes += batchSize - errors.length
    if (errors.length > 0) return { successes, error: errors[0] }
    remaining -= batchSize
  }
  return { successes }
}
