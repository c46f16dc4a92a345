/**
 * @module
 * Where a Service listens on this machine: every spec.ports[i].port (and, for a NodePort
 * service, its nodePort) on the service's host, 127.0.0.1 unless the daemon's --service-host
 * or the baton.dev/listen-address annotation says otherwise. Admission refuses two owners of
 * one address; the load balancer (daemon/route-sync.ts) listens there. A headless Service
 * (`clusterIP: None`) listens nowhere, as kube-proxy programs nothing for one: its members are
 * reached one by one (runtime/process/peers-files.ts, docs/statefulsets.md).
 */
import type { Service } from './types.ts'

export const LISTEN_ADDRESS_ANNOTATION = 'baton.dev/listen-address'
export const DEFAULT_SERVICE_HOST = '127.0.0.1'

export interface ListenAddress {
  /** The field that asks for it: "spec.ports[0].port" or "spec.ports[1].nodePort". */
  field: string
  host: string
  port: number
}

/** A headless Service: no load-balanced address, per-pod endpoints only. */
export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None'
}

export function serviceListenAddresses(svc: Service, defaultHost = DEFAULT_SERVICE_HOST): ListenAddress[] {
  if (isHeadless(svc)) return []
  const host = svc.metadata.annotations?.[LISTEN_ADDRESS_ANNOTATION] || defaultHost
  const out: ListenAddress[] = []
  ;(svc.spec?.ports ?? []).forEach((sp, i) => {
    if (sp.protocol && sp.protocol !== 'TCP') return
    out.push({ field: `spec.ports[${i}].port`, host, port: sp.port })
    if (svc.spec.type === 'NodePort' && sp.nodePort && sp.nodePort !== sp.port)
      out.push({ field: `spec.ports[${i}].nodePort`, host, port: sp.nodePort })
  })
  return out
}

const WILDCARDS = new Set(['0.0.0.0', '::', ''])

/** Whether two listeners would fight over one port: same port, and the same host or a wildcard. */
export function addressesOverlap(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.port === b.port && (a.host === b.host || WILDCARDS.has(a.host) || WILDCARDS.has(b.host))
}
