/**
 * @module
 * The daemon's handle on the load balancer process: LoadBalancerControl over the proxy's
 * control API (proxy/control-api.ts). Every call is bounded in time; a proxy that does not
 * answer yields a BatonError naming it and how to look into it.
 *
 * It speaks node:http rather than fetch: fetch is undici, whose HTTP parser is a WASM module
 * that V8 re-compiles with TurboFan once it is hot, which left 9 MB of compiler memory resident
 * in the idle daemon ten seconds after start (the first route resync); node:http's parser is
 * built into Node.
 */
import { Agent, request } from 'node:http'
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
  /** Keeps the connection between calls, as fetch did; its sockets never hold the process open. */
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 })
  /** What the last setRoutes could not open (port taken...), for the daemon to report. */
  lastFailures: ListenFailure[] = []

  constructor(opts: ProxyClientOptions) {
    this.address = opts.address
    this.#token = opts.token
    this.#now = opts.now
  }

  async setRoutes(routes: ServiceRoute[]): Promise<ListenFailure[]> {
    const r = await this.#call<{ failures: ListenFailure[] }>('PUT', '/v1/routes', { routes })
    this.lastFailures = r.failures
    return r.failures
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

  ping(timeoutMs = 1_000): Promise<{ pid: number; version: string }> {
    return this.#call('GET', '/v1/ping', undefined, timeoutMs)
  }

  /** Asks the proxy to stop serving and exit (not part of the daemon's normal life: the proxy outlives it). */
  async shutdown(): Promise<void> {
    await this.#call('POST', '/v1/shutdown', {})
  }

  /** Closes the kept-alive connection to the proxy, so that the daemon can exit. */
  close(): void {
    this.#agent.destroy()
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    let answer: { status: number; text: string }
    try {
      answer = await this.#send(method, path, body === undefined ? undefined : JSON.stringify(body), timeoutMs)
    } catch (err) {
      throw new BatonError(
        'BATON_INTERNAL',
        `the load balancer process at ${this.address} did not answer ${method} ${path}`,
        {
          hint: 'Check proxy.log in the data directory; the daemon replaces the proxy when it exits or stops answering.',
          cause: err,
        },
      )
    }
    let json: unknown = {}
    try {
      json = JSON.parse(answer.text)
    } catch {
      // A body that is not JSON is reported by status alone, below.
    }
    if (answer.status < 200 || answer.status > 299) throw batonErrorFromBody(json, answer.status)
    return json as T
  }

  /** One request, its whole answer read; rejects on a connection error or after timeoutMs. */
  #send(
    method: string,
    path: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` }
      if (body !== undefined) {
        headers['content-type'] = 'application/json'
        headers['content-length'] = String(Buffer.byteLength(body))
      }
      const req = request(
        this.address + path,
        { method, headers, agent: this.#agent, signal: AbortSignal.timeout(timeoutMs) },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }
}
