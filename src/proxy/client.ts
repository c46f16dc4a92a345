/**
 * @module
 * The daemon's handle on the load balancer process: LoadBalancerControl over the proxy's
 * control API (proxy/control-api.ts). Every call is bounded in time; a proxy that does not
 * answer yields a BatonError naming it and how to look into it.
 */
import { BatonError, batonErrorFromBody } from '../errors/baton-error.ts'
import type { LoadBalancerControl, ServiceRoute, TrafficMetrics } from './types.ts'
import type { ListenFailure } from './data-plane.ts'

const CALL_TIMEOUT_MS = 5_000
/** Extra time a drain long-poll is given beyond its deadline before the call gives up. */
const DRAIN_SLACK_MS = 2_000

export interface ProxyClientOptions {
  address: string
  token: string
  /** Epoch ms (drain deadlines are absolute). */
  now: () => number
}

export class ProxyClient implements LoadBalancerControl {
  readonly address: string
  readonly #token: string
  readonly #now: () => number
  /** What the last setRoutes could not open (port taken...), for the daemon to report. */
  lastFailures: ListenFailure[] = []

  constructor(opts: ProxyClientOptions) {
    this.address = opts.address
    this.#token = opts.token
    this.#now = opts.now
  }

  async setRoutes(routes: ServiceRoute[]): Promise<void> {
    const r = await this.#call<{ failures: ListenFailure[] }>('PUT', '/v1/routes', { routes })
    this.lastFailures = r.failures
  }

  async inflight(podUid: string): Promise<number> {
    return (await this.#call<{ inflight: number }>('GET', `/v1/pods/${encodeURIComponent(podUid)}/inflight`)).inflight
  }

  async waitDrained(podUid: string, deadlineMs: number): Promise<void> {
    const wait = Math.max(0, deadlineMs - this.#now()) + DRAIN_SLACK_MS
    await this.#call('POST', `/v1/pods/${encodeURIComponent(podUid)}/drain`, { deadlineMs }, wait)
  }

  metrics(): Promise<TrafficMetrics> {
    return this.#call<TrafficMetrics>('GET', '/v1/metrics')
  }

  ping(): Promise<{ pid: number; version: string }> {
    return this.#call('GET', '/v1/ping', undefined, 1_000)
  }

  /** Asks the proxy to stop serving and exit (not part of the daemon's normal life: the proxy outlives it). */
  async shutdown(): Promise<void> {
    await this.#call('POST', '/v1/shutdown', {})
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    let res: Response
    try {
      res = await fetch(this.address + path, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new BatonError('BATON_INTERNAL', `the load balancer process at ${this.address} did not answer ${method} ${path}`, {
        hint: 'Check proxy.log in the data directory; the daemon restarts the proxy when it is gone.',
        cause: err,
      })
    }
    const json = (await res.json().catch(() => ({}))) as unknown
    if (!res.ok) throw batonErrorFromBody(json, res.status)
    return json as T
  }
}
