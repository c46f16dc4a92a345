/**
 * @module
 * The daemon's watch over the load balancer process, as a kubelet watches a container with a
 * liveness probe. Every `checkEveryMs` it checks that the proxy's pid is alive; every
 * `pingEveryMs` it pings the control API (`pingTimeoutMs`). A proxy that exited is replaced
 * at once; one that failed `failureThreshold` pings in a row (stopped, hung) is killed with
 * SIGKILL and replaced. The replacement starts from the last table the old one kept
 * (DIR/proxy-routes.json) and binds beside the old workers (SO_REUSEPORT), which serve until
 * it listens and then hand over (proxy/hand-over.ts); `onRestart` then lets the daemon push
 * the current table and record the restart.
 *
 * It is the daemon's LoadBalancerControl: every call goes to the proxy of the moment. A drain
 * wait that fails because the proxy went away waits for the replacement and asks it again,
 * until its deadline; and while workers of a replaced proxy are still handing over (they serve
 * the table they had, and no proxy counts their requests), a pod is drained only once they are
 * gone.
 */
import { BatonError } from '../errors/baton-error.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import { silentLogger, type Logger } from '../platform/logger.ts'
import type { ProxyClient } from './client.ts'
import { isRunning } from '../platform/proc-stat.ts'
import { workersOf } from './proxy-files.ts'
import { ensureProxy, type EnsureProxyOptions } from './supervise.ts'
import type { ListenFailure } from './data-plane.ts'
import type { LoadBalancerControl, ServiceRoute, TrafficMetrics } from './types.ts'

export const DEFAULT_CHECK_EVERY_MS = 100
export const DEFAULT_PING_EVERY_MS = 1_000
/** A loaded machine can delay an answer by seconds; a kill for that would cost more than it saves. */
export const DEFAULT_PING_TIMEOUT_MS = 3_000
export const DEFAULT_FAILURE_THRESHOLD = 3
const RESTART_RETRY_MS = 500

export type RestartReason = 'Exited' | 'Unresponsive'

/** The data plane as the daemon sees it; `ready` false while a proxy is being replaced. */
export interface DataPlaneHealth {
  ready: boolean
  /** CamelCase, as a condition reason: Serving, Exited, Unresponsive, StartFailed. */
  reason: string
  message: string
  pid: number
  /** Epoch ms of the last change of `ready`. */
  sinceMs: number
  restarts: number
}

export interface RestartRecord {
  reason: RestartReason
  message: string
  oldPid: number
  newPid: number
  /** From noticing the failure to the replacement answering. */
  tookMs: number
}

export interface SupervisorOptions extends EnsureProxyOptions {
  dataDir: string
  clock: Clock
  logger?: Logger
  checkEveryMs?: number
  pingEveryMs?: number
  pingTimeoutMs?: number
  failureThreshold?: number
  /** After a replacement answers (the daemon pushes its table and records an Event). */
  onRestart?: (r: RestartRecord) => void
  /** On every change of health. */
  onHealth?: (h: DataPlaneHealth) => void
}

export class ProxySupervisor implements LoadBalancerControl {
  readonly #o: SupervisorOptions
  readonly #clock: Clock
  readonly #logger: Logger
  #client: ProxyClient
  #pid: number
  #health: DataPlaneHealth
  #timer: TimerHandle | undefined
  #lastPingMs = 0
  #pinging = false
  #failures = 0
  #restarting: Promise<void> | undefined
  #stopped = false
  /** Workers of replaced proxies that may still be handing over. */
  #orphans: number[] = []

  /** Finds or starts the proxy of `dataDir`, then watches it. */
  static async start(opts: SupervisorOptions): Promise<ProxySupervisor> {
    const client = await ensureProxy(opts.dataDir, opts)
    const { pid } = await client.ping()
    const s = new ProxySupervisor(opts, client, pid)
    s.#schedule()
    return s
  }

  private constructor(opts: SupervisorOptions, client: ProxyClient, pid: number) {
    this.#o = opts
    this.#clock = opts.clock
    this.#logger = opts.logger ?? silentLogger
    this.#client = client
    this.#pid = pid
    this.#lastPingMs = opts.clock.now()
    this.#health = {
      ready: true,
      reason: 'Serving',
      message: `load balancer pid ${pid} is serving`,
      pid,
      sinceMs: opts.clock.now(),
      restarts: 0,
    }
  }

  health(): DataPlaneHealth {
    return { ...this.#health }
  }

  /** The current proxy's client (it changes when the proxy is replaced). */
  get client(): ProxyClient {
    return this.#client
  }

  setRoutes(routes: ServiceRoute[]): Promise<ListenFailure[]> {
    return this.#client.setRoutes(routes)
  }

  inflight(podUid: string): Promise<number> {
    return this.#client.inflight(podUid)
  }

  async waitDrained(podUid: string, deadlineMs: number): Promise<void> {
    for (;;) {
      const client = this.#client
      try {
        await client.waitDrained(podUid, deadlineMs)
        return await this.#handedOver(deadlineMs)
      } catch (err) {
        // The proxy went away mid-wait: its replacement knows the pod's in-flight requests.
        if (this.#stopped || this.#clock.now() >= deadlineMs) throw err
        await this.#untilReplaced(client, deadlineMs)
        if (this.#client === client) throw err
      }
    }
  }

  metrics(): Promise<TrafficMetrics> {
    return this.#client.metrics()
  }

  ping(): Promise<{ pid: number; version: string }> {
    return this.#client.ping()
  }

  /** Stops watching; with `shutdown`, asks the proxy to exit too (`baton down --all`). */
  async stop(opts: { shutdown?: boolean } = {}): Promise<void> {
    this.#stopped = true
    this.#timer?.cancel()
    await this.#restarting?.catch(() => {})
    try {
      if (opts.shutdown) await this.#client.shutdown()
    } finally {
      this.#client.close()
    }
  }

  #schedule(): void {
    if (this.#stopped) return
    this.#timer = this.#clock.setTimeout(() => this.#check(), this.#o.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS)
  }

  #check(): void {
    if (this.#stopped || this.#restarting !== undefined) return
    if (!isRunning(this.#pid)) {
      this.#replace('Exited', `load balancer pid ${this.#pid} exited`)
      return
    }
    const now = this.#clock.now()
    if (!this.#pinging && now - this.#lastPingMs >= (this.#o.pingEveryMs ?? DEFAULT_PING_EVERY_MS)) {
      this.#lastPingMs = now
      this.#pinging = true
      const pid = this.#pid
      void this.#client
        .ping(this.#o.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS)
        .then((pong) => pong.pid === pid)
        .catch(() => false)
        .then((ok) => {
          this.#pinging = false
          if (this.#stopped || this.#restarting !== undefined || pid !== this.#pid) return
          this.#failures = ok ? 0 : this.#failures + 1
          const threshold = this.#o.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD
          if (this.#failures >= threshold) {
            this.#replace('Unresponsive', `load balancer pid ${pid} did not answer ${threshold} health checks in a row`)
          }
        })
    }
    this.#schedule()
  }

  #replace(reason: RestartReason, message: string): void {
    const started = this.#clock.now()
    const oldPid = this.#pid
    const old = this.#client
    this.#setHealth({ ready: false, reason, message: `${message}; starting a replacement` })
    this.#logger.error('load balancer failed; starting a replacement', { reason, pid: oldPid })
    // Taken now, while they serve: an exiting process's command line reads empty.
    this.#orphans.push(...workersOf(oldPid))
    this.#restarting = (async () => {
      // A stuck proxy still holds its control port and would be adopted again: end it first.
      // Its workers keep serving until the replacement listens.
      if (reason === 'Unresponsive') killHard(oldPid)
      for (;;) {
        try {
          const client = await ensureProxy(this.#o.dataDir, this.#o)
          const { pid } = await client.ping()
          old.close()
          this.#client = client
          this.#pid = pid
          this.#failures = 0
          this.#lastPingMs = this.#clock.now()
          const tookMs = this.#clock.now() - started
          this.#health.restarts++
          this.#setHealth({
            ready: true,
            reason: 'Serving',
            message: `load balancer pid ${pid} is serving (replaced pid ${oldPid}: ${message})`,
          })
          this.#logger.info('load balancer replaced', { reason, oldPid, pid, tookMs })
          this.#o.onRestart?.({ reason, message, oldPid, newPid: pid, tookMs })
          return
        } catch (err) {
          if (this.#stopped) return
          this.#setHealth({
            ready: false,
            reason: 'StartFailed',
            message: `${message}; the replacement did not start: ${(err as Error).message}`,
          })
          this.#logger.error('load balancer replacement failed; retrying', { err })
          await new Promise<void>((r) => this.#clock.setTimeout(r, RESTART_RETRY_MS))
        }
      }
    })().finally(() => {
      this.#restarting = undefined
      this.#schedule()
    })
  }

  #setHealth(h: Pick<DataPlaneHealth, 'ready' | 'reason' | 'message'>): void {
    const changed = h.ready !== this.#health.ready
    this.#health = {
      ...this.#health,
      ...h,
      pid: this.#pid,
      sinceMs: changed ? this.#clock.now() : this.#health.sinceMs,
    }
    this.#o.onHealth?.(this.health())
  }

  /** Resolves once no worker of a replaced proxy is left, or at `deadlineMs`. */
  async #handedOver(deadlineMs: number): Promise<void> {
    while (this.#orphans.length > 0 && !this.#stopped && this.#clock.now() < deadlineMs) {
      this.#orphans = this.#orphans.filter((pid) => isRunning(pid))
      if (this.#orphans.length === 0) return
      await new Promise<void>((r) => this.#clock.setTimeout(r, this.#o.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS))
    }
  }

  /** Resolves once `client` is no longer the current one, or at `deadlineMs`. */
  async #untilReplaced(client: ProxyClient, deadlineMs: number): Promise<void> {
    while (this.#client === client && !this.#stopped && this.#clock.now() < deadlineMs) {
      await new Promise<void>((r) => this.#clock.setTimeout(r, this.#o.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS))
    }
  }
}

function killHard(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH')
      throw new BatonError('BATON_INTERNAL', `cannot stop the unresponsive load balancer pid ${pid}`, { cause: err })
  }
}
