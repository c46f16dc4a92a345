/**
 * @module
 * Admission of a Service's ports: an address another Service already listens on, or one that
 * Baton itself holds (the API and dashboard listener, the load balancer's control port), is
 * refused with the field and the holder. A port some other program holds is not Baton's to
 * judge at admission: it is accepted, answered with a warning (`portWarnings`), and reported
 * on the Service by the daemon while it lasts.
 */
import { invalid, invalidObjectError, type FieldError } from '../api/field-errors.ts'
import { addressesOverlap, serviceListenAddresses } from '../api/service-listen.ts'
import type { Service } from '../api/types.ts'
import type { ObjectStore } from '../store/types.ts'

/** An address Baton listens on for itself. */
export interface ReservedPort {
  host: string
  port: number
  /** Who holds it, for the message: "the Baton API and dashboard". */
  holder: string
}

export interface ServicePortDeps {
  store: ObjectStore
  /** Baton's own listeners (the daemon passes them; none in tests that do not). */
  reservedPorts?: () => ReservedPort[]
  /** The daemon's --service-host (default 127.0.0.1). */
  serviceHost?: string
}

/** Throws BATON_INVALID when `svc` asks for an address another Service or Baton itself holds. */
export function checkServicePorts(svc: Service, deps: ServicePortDeps): void {
  const namespace = svc.metadata.namespace ?? 'default'
  const mine = serviceListenAddresses(svc, deps.serviceHost)
  const errs: FieldError[] = []
  const others = deps.store
    .list('Service')
    .items.filter((o) => !((o.metadata.namespace ?? 'default') === namespace && o.metadata.name === svc.metadata.name))
  for (const a of mine) {
    const reserved = (deps.reservedPorts?.() ?? []).find((r) => addressesOverlap(a, r))
    if (reserved) {
      errs.push(
        invalid(
          a.field,
          a.port,
          `provided port is already allocated: ${reserved.holder} listens on ${reserved.host}:${reserved.port}`,
          'Pick another port for the service.',
        ),
      )
      continue
    }
    for (const o of others) {
      const theirs = serviceListenAddresses(o, deps.serviceHost).find((b) => addressesOverlap(a, b))
      if (!theirs) continue
      const who = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`
      errs.push(
        invalid(
          a.field,
          a.port,
          `provided port is already allocated: service ${who} listens on ${theirs.host}:${theirs.port}`,
          `Pick another port, or delete service ${who} first.`,
        ),
      )
      break
    }
  }
  if (errs.length > 0) throw invalidObjectError('Service', svc.metadata.name, errs)
}
