/**
 * @module
 * From the store to the proxy: which addresses to listen on and which replicas each one
 * spreads over (desiredRoutes, pure), and the syncer that pushes that table to the proxy
 * whenever a Service, its Endpoints or a pod changes, and every resyncMs anyway
 * (level-triggered: a restarted proxy or a lost push is repaired by the next one).
 *
 * Listen addresses: every service port listens on <host>:<port>, host 127.0.0.1 by default
 * (the syncer's defaultListenHost, a daemon flag, changes it for every service; the
 * annotation baton.dev/listen-address: "0.0.0.0" changes it for one). A NodePort service
 * with spec.ports[].nodePort also listens on <host>:<nodePort>. When two services claim one
 * address, the older one keeps it and the other is reported as a conflict.
 * Mode: TCP for appProtocol "tcp" or a port named "tcp" / "tcp-*", HTTP otherwise; UDP and
 * SCTP ports are reported as unsupported. A headless Service (clusterIP: None) gets no route.
 */
import type { Endpoints, Pod, Rollout, Service, ServicePort } from '../api/types.ts'
import { revisionHeaderRoutes, revisionWeights } from './rollout-weights.ts'
import type { Clock, TimerHandle } from '../platform/clock.ts'
import { silentLogger, type Logger } from '../platform/logger.ts'
import type { ObjectStore, Unsubscribe } from '../store/types.ts'
import type { ListenFailure } from '../proxy/data-plane.ts'
import { routeKey, type Backend, type LoadBalancerControl, type ProxyMode, type ServiceRoute } from '../proxy/types.ts'

export { LISTEN_ADDRESS_ANNOTATION } from '../api/service-listen.ts'
import { isHeadless, LISTEN_ADDRESS_ANNOTATION } from '../api/service-listen.ts'
export const REVISION_LABEL = 'pod-template-hash'
export const DEFAULT_LISTEN_HOST = '127.0.0.1'
export const DEFAULT_RESYNC_MS = 10_000
const RETRY_MS = 1_000

export interface RouteConflict {
  namespace: string
  service: string
  portName?: string
  message: string
}

export interface RouteTable {
  routes: ServiceRoute[]
  conflicts: RouteConflict[]
}

export function proxyMode(sp: ServicePort): ProxyMode {
  const name = sp.name ?? ''
  return sp.appProtocol?.toLowerCase() === 'tcp' || name === 'tcp' || name.startsWith('tcp-') ? 'tcp' : 'http'
}

/** Ready replicas of one service port, from its Endpoints (pods give the revision label). */
export function backendsFor(
  sp: ServicePort,
  ep: Endpoints | undefined,
  podsByUid: ReadonlyMap<string, Pod>,
): Backend[] {
  const out: Backend[] = []
  for (const subset of ep?.subsets ?? []) {
    const port = subset.ports?.find((p) => (p.name ?? '') === (sp.name ?? ''))
    if (!port) continue
    for (const a of subset.addresses ?? []) {
      const uid = a.targetRef?.uid ?? `${a.ip}:${port.port}`
      const pod = podsByUid.get(uid)
      out.push({
        podUid: uid,
        podName: a.targetRef?.name ?? '',
        revision: pod?.metadata.labels?.[REVISION_LABEL] ?? '',
        host: a.ip,
        port: port.port,
      })
    }
  }
  return out
}

function age(s: Service): string {
  return `${s.metadata.creationTimestamp ?? ''}|${s.metadata.namespace ?? 'default'}/${s.metadata.name}`
}

export function desiredRoutes(
  services: readonly Service[],
  endpoints: readonly Endpoints[],
  pods: readonly Pod[],
  defaultListenHost = DEFAULT_LISTEN_HOST,
  rollouts: readonly Rollout[] = [],
): RouteTable {
  const epByKey = new Map(endpoints.map((e) => [`${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e]))
  const podsByUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]))
  const taken = new Map<string, string>()
  const routes: ServiceRoute[] = []
  const conflicts: RouteConflict[] = []
  for (const svc of [...services].sort((a, b) => (age(a) < age(b) ? -1 : age(a) > age(b) ? 1 : 0))) {
    if (isHeadless(svc)) continue // kube-proxy programs nothing for a headless Service
    const namespace = svc.metadata.namespace ?? 'default'
    const service = svc.metadata.name
    const host = svc.metadata.annotations?.[LISTEN_ADDRESS_ANNOTATION] || defaultListenHost
    const ep = epByKey.get(`${namespace}/${service}`)
    const weights = revisionWeights(svc, rollouts)
    const headerRoutes = revisionHeaderRoutes(svc, rollouts)
    for (const sp of svc.spec.ports) {
      const portName = sp.name ? { portName: sp.name } : {}
      if (sp.protocol && sp.protocol !== 'TCP') {
        conflicts.push({
          namespace,
          service,
          ...portName,
          message: `protocol ${sp.protocol} is not supported by the load balancer`,
        })
        continue
      }
      const ports = [sp.port]
      if (svc.spec.type === 'NodePort' && sp.nodePort && sp.nodePort !== sp.port) ports.push(sp.nodePort)
      for (const port of ports) {
        const route: ServiceRoute = {
          namespace,
          service,
          ...portName,
          listen: { host, port },
          mode: proxyMode(sp),
          backends: backendsFor(sp, ep, podsByUid),
          ...(weights ? { weights } : {}),
          ...(headerRoutes ? { headerRoutes } : {}),
        }
        const key = routeKey(route)
        const owner = taken.get(key)
        if (owner) {
          conflicts.push({ namespace, service, ...portName, message: `${key} is already used by service ${owner}` })
          continue
        }
        taken.set(key, `${namespace}/${service}`)
        routes.push(route)
      }
    }
  }
  return { routes, conflicts }
}

export interface RouteSyncOptions {
  store: ObjectStore
  control: LoadBalancerControl
  clock: Clock
  logger?: Logger
  defaultListenHost?: string
  resyncMs?: number
  /** Called after each computed table (the daemon turns conflicts into Events). */
  onTable?: (table: RouteTable) => void
  /**
   * Called after each sync with the table and the addresses the load balancer could not open
   * at its last push (the daemon reports both on the Services).
   */
  onSynced?: (table: RouteTable, failures: readonly ListenFailure[]) => void
}

/** Pushes the desired table to the proxy on every relevant change and every resyncMs. */
export class RouteSyncer {
  readonly #o: RouteSyncOptions
  readonly #logger: Logger
  #unsubscribe: Unsubscribe[] = []
  #timer: TimerHandle | undefined
  #pushing: Promise<boolean> | undefined
  #dirty = false
  #last = ''
  #failures: ListenFailure[] = []

  constructor(opts: RouteSyncOptions) {
    this.#o = opts
    this.#logger = opts.logger ?? silentLogger
  }

  start(): void {
    const onChange = () => this.#schedule(0)
    const rv = this.#o.store.currentResourceVersion()
    for (const kind of ['Service', 'Endpoints', 'Pod', 'Rollout'] as const) {
      this.#unsubscribe.push(this.#o.store.watch(kind, { resourceVersion: rv }, onChange))
    }
    this.#schedule(0)
  }

  stop(): void {
    for (const u of this.#unsubscribe) u()
    this.#unsubscribe = []
    this.#timer?.cancel()
    this.#timer = undefined
  }

  /**
   * Computes the table and pushes it when it changed (or always, with `force`). Resolves
   * false when the push failed (the caller retries).
   */
  async syncNow(force = false): Promise<boolean> {
    if (this.#pushing !== undefined) {
      this.#dirty = true
      return this.#pushing
    }
    const table = this.table()
    this.#o.onTable?.(table)
    const text = JSON.stringify(table.routes)
    if (!force && text === this.#last) {
      this.#o.onSynced?.(table, this.#failures)
      return true
    }
    this.#pushing = this.#o.control
      .setRoutes(table.routes)
      .then((failures) => {
        this.#last = text
        this.#failures = failures ?? []
        this.#o.onSynced?.(table, this.#failures)
        return true
      })
      .catch((err: unknown) => {
        this.#last = ''
        this.#logger.error('route push to the load balancer failed; retrying', { err })
        return false
      })
      .finally(() => {
        this.#pushing = undefined
        if (this.#dirty) {
          this.#dirty = false
          this.#schedule(0)
        }
      })
    return this.#pushing
  }

  table(): RouteTable {
    const s = this.#o.store
    return desiredRoutes(
      s.list('Service').items,
      s.list('Endpoints').items,
      s.list('Pod').items,
      this.#o.defaultListenHost,
      s.list('Rollout').items,
    )
  }

  /** 0: a change, push soon (bursts coalesce); > 0: the periodic forced resync or a retry. */
  #schedule(ms: number): void {
    this.#timer?.cancel()
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined
      void this.syncNow(ms > 0).then((ok) => {
        if (this.#unsubscribe.length === 0 || this.#timer) return
        this.#schedule(ok ? (this.#o.resyncMs ?? DEFAULT_RESYNC_MS) : RETRY_MS)
      })
    }, ms)
  }
}
