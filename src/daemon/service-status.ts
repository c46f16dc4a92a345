/**
 * @module
 * The Services' side of the load balancer: after every route sync, each Service gets a
 * `Listening` condition (True once the load balancer listens on all its addresses; False with
 * the reason otherwise) and, when it turns False or its reason changes, a Warning Event:
 *
 *   PortInUse      another program holds the address (the load balancer retries every resync)
 *   PortConflict   an older Service holds it (admission refuses this now; objects stored before remain)
 *   ListenFailed   anything else the load balancer could not open (EACCES, a protocol it does not serve)
 *
 * A LoadBalancer Service that listens also gets `status.loadBalancer.ingress`, the addresses
 * it answers on, as a cloud's load-balancer controller fills it: `get svc` then shows its
 * EXTERNAL-IP instead of `<pending>` (seed 002 waits for it). A headless Service gets none.
 */
import { isHeadless } from '../api/service-listen.ts'
import type { Service, ServiceCondition } from '../api/types.ts'
import { formatTimestamp } from '../api/timestamps.ts'
import { isBatonError } from '../errors/baton-error.ts'
import { recordEvent } from '../events/record-event.ts'
import type { Clock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { ListenFailure } from '../proxy/data-plane.ts'
import type { RouteTable } from './route-sync.ts'
import type { ObjectStore } from '../store/types.ts'

export const LISTENING_CONDITION = 'Listening'
const SOURCE = { component: 'baton-load-balancer' }

/** The condition a Service should carry, from the last table and push (pure). */
export function listeningCondition(
  svc: Service,
  table: RouteTable,
  failures: readonly ListenFailure[],
): Omit<ServiceCondition, 'lastTransitionTime'> {
  const ns = svc.metadata.namespace ?? 'default'
  const key = `${ns}/${svc.metadata.name}`
  const generation = svc.metadata.generation !== undefined ? { observedGeneration: svc.metadata.generation } : {}
  const failed = failures.filter((f) => f.service === key)
  if (failed.length > 0) {
    const inUse = failed.every((f) => /EADDRINUSE/.test(f.error))
    const what = failed
      .map((f) => (/EADDRINUSE/.test(f.error) ? `${f.listen} is in use by another program` : `${f.listen}: ${f.error}`))
      .join('; ')
    return {
      type: LISTENING_CONDITION,
      status: 'False',
      ...generation,
      reason: inUse ? 'PortInUse' : 'ListenFailed',
      message: `${what}; retried every 10 s`,
    }
  }
  const conflicts = table.conflicts.filter((c) => c.namespace === ns && c.service === svc.metadata.name)
  if (conflicts.length > 0) {
    const reason = conflicts.some((c) => c.message.includes('already used by service'))
      ? 'PortConflict'
      : 'ListenFailed'
    return {
      type: LISTENING_CONDITION,
      status: 'False',
      ...generation,
      reason,
      message: conflicts.map((c) => c.message).join('; '),
    }
  }
  const listens = table.routes
    .filter((r) => r.namespace === ns && r.service === svc.metadata.name)
    .map((r) => `${r.listen.host}:${r.listen.port}`)
  return {
    type: LISTENING_CONDITION,
    status: 'True',
    ...generation,
    reason: 'Listening',
    message: `listening on ${listens.join(', ') || 'no address'}`,
  }
}

/** A listening LoadBalancer Service's ingress: the hosts its routes listen on; undefined otherwise (pure). */
export function loadBalancerIngress(
  svc: Service,
  table: RouteTable,
  listening: boolean,
): Array<{ ip: string }> | undefined {
  if (svc.spec.type !== 'LoadBalancer' || !listening) return undefined
  const ns = svc.metadata.namespace ?? 'default'
  const hosts = table.routes
    .filter((r) => r.namespace === ns && r.service === svc.metadata.name)
    .map((r) => r.listen.host)
  return [...new Set(hosts)].map((ip) => ({ ip }))
}

/** Writes each Service's `Listening` condition (and a LoadBalancer's ingress) where it changed, with a Warning Event when it fails. */
export function reportServiceListening(
  store: ObjectStore,
  clock: Clock,
  logger: Logger,
  table: RouteTable,
  failures: readonly ListenFailure[],
): void {
  for (const svc of store.list('Service').items) {
    // A headless Service has no address of its own to listen on, so no Listening condition.
    if (isHeadless(svc)) continue
    const want = listeningCondition(svc, table, failures)
    const conditions = svc.status?.conditions ?? []
    const have = conditions.find((c) => c.type === LISTENING_CONDITION)
    const ingress = loadBalancerIngress(svc, table, want.status === 'True')
    const sameIngress = JSON.stringify(svc.status?.loadBalancer?.ingress) === JSON.stringify(ingress)
    if (
      sameIngress &&
      have &&
      have.status === want.status &&
      have.reason === want.reason &&
      have.message === want.message &&
      have.observedGeneration === want.observedGeneration
    )
      continue
    const lastTransitionTime =
      have && have.status === want.status ? have.lastTransitionTime : formatTimestamp(clock.now())
    const next: ServiceCondition = { ...want, ...(lastTransitionTime ? { lastTransitionTime } : {}) }
    const { loadBalancer: _, ...status } = svc.status ?? {}
    try {
      store.updateStatus<'Service'>({
        ...svc,
        status: {
          ...status,
          ...(ingress ? { loadBalancer: { ingress } } : {}),
          conditions: [...conditions.filter((c) => c !== have), next],
        },
      })
    } catch (err) {
      // A write in between (conflict) or a deleted Service: the next sync (at most one resync away) sees it again.
      if (!isBatonError(err)) logger.error('service status not written', { service: svc.metadata.name, err })
      continue
    }
    if (
      want.status === 'False' &&
      (have?.status !== 'False' || have.reason !== want.reason || have.message !== want.message)
    ) {
      recordEvent(store, clock, svc, 'Warning', want.reason, want.message, SOURCE)
    }
  }
}
