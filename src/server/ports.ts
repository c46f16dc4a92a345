/**
 * @module
 * What the API server needs from the rest of the daemon, beyond the object store. The daemon
 * (composition root) passes real implementations; tests pass small fakes.
 */

export interface LogReadOptions {
  follow?: boolean
  previous?: boolean
  /** Only the last N lines (`--tail`). */
  tail?: number
  timestamps?: boolean
  /** Aborted when the client goes away: a following reader must stop. */
  signal?: AbortSignal
}

/** A pod container's log, line by line (without newlines), as `kubectl logs` prints it. */
export interface LogSource {
  read(namespace: string, pod: string, container: string, opts: LogReadOptions): AsyncIterable<string>
}
