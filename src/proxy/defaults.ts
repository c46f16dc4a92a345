/**
 * @module
 * Every tunable of the data plane, with its default, in one place (kamal-proxy's Default*
 * block): the daemon's flags and the proxy's own options read the same constants.
 */

/** A replica that does not accept a connection within this is skipped (retried elsewhere). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000
/** With no ready replica, a request waits this long for one, then gets a 503. */
export const DEFAULT_ENDPOINT_WAIT_MS = 10_000
/** A replica that sends no byte of its answer for this long gets the request a 504. */
export const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000
/** An idle client keep-alive connection is closed after this (also bounds a slow request head). */
export const DEFAULT_CLIENT_IDLE_TIMEOUT_MS = 60_000
/**
 * Pooled upstream connections idle longer than this are closed. It must stay below the
 * replicas' own keep-alive timeout (Node's default is 5 s) so that the proxy, not the
 * replica, closes an idle connection: otherwise a request can be written just as the
 * replica closes it.
 */
export const DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS = 4_000
/** Idle upstream connections kept per replica. */
export const DEFAULT_MAX_IDLE_PER_BACKEND = 256
/** Largest accepted request or response head (request line + headers). */
export const DEFAULT_MAX_HEAD_BYTES = 16 * 1024
/** Pods removed from every route are forgotten (with their traffic figures) after this. */
export const DEFAULT_POD_METRICS_RETENTION_MS = 15 * 60_000

export type BalancePolicy = 'least-outstanding' | 'round-robin'
export const DEFAULT_BALANCE_POLICY: BalancePolicy = 'least-outstanding'

export interface ProxyTimeouts {
  connectTimeoutMs: number
  endpointWaitMs: number
  responseTimeoutMs: number
  clientIdleTimeoutMs: number
  upstreamIdleTimeoutMs: number
  maxIdlePerBackend: number
  maxHeadBytes: number
}

export const DEFAULT_TIMEOUTS: ProxyTimeouts = {
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  endpointWaitMs: DEFAULT_ENDPOINT_WAIT_MS,
  responseTimeoutMs: DEFAULT_RESPONSE_TIMEOUT_MS,
  clientIdleTimeoutMs: DEFAULT_CLIENT_IDLE_TIMEOUT_MS,
  upstreamIdleTimeoutMs: DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS,
  maxIdlePerBackend: DEFAULT_MAX_IDLE_PER_BACKEND,
  maxHeadBytes: DEFAULT_MAX_HEAD_BYTES,
}
