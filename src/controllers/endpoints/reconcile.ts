/**
 * @module
 * The endpoints controller: keeps each selector Service's Endpoints equal to plan.ts's
 * answer. Level-triggered: a service key is reconciled from the store as it is now, whatever
 * event queued it (a pod became ready, was deleted, changed labels; the service changed; its
 * Endpoints were edited by hand).
 */
import type { Endpoints, Pod, Service } from '../../api/types.ts'
import { type Clock } from '../../platform/clock.ts'
import type { Controller } from '../../reconciler/controller.ts'
import { objectKey, parseKey } from '../../reconciler/keys.ts'
import type { ObjectStore } from '../../store/types.ts'
import { desiredEndpoints, endpointsEqual, managesEndpoints, servicesSelecting } from './plan.ts'
import { formatTimestamp } from '../../api/timestamps.ts'

/** Set on every write: when the change that caused it was seen (as Kubernetes does). */
export const LAST_CHANGE_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time'

export type EndpointsOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'unmanaged'

export function reconcileEndpoints(store: ObjectStore, clock: Clock, namespace: string, name: string): EndpointsOutcome {
  const svc = store.get('Service', namespace, name)
  const current = store.get('Endpoints', namespace, name)
  if (!svc) {
    // Endpoints of a selector service die with it; a hand-made one (no service) is left alone.
    if (current && current.metadata.annotations?.[LAST_CHANGE_ANNOTATION] !== undefined) {
      store.delete('Endpoints', namespace, name)
      return 'deleted'
    }
    return 'unmanaged'
  }
  if (!managesEndpoints(svc)) return 'unmanaged'
  const pods = store.list('Pod', { namespace, labelSelector: { matchLabels: svc.spec.selector ?? {} } }).items
  const desired = desiredEndpoints(svc, pods)
  if (current && endpointsEqual(current, desired)) return 'unchanged'
  const annotations = { ...current?.metadata.annotations, [LAST_CHANGE_ANNOTATION]: formatTimestamp(clock.now()) }
  if (!current) {
    store.create<'Endpoints'>({ ...desired, metadata: { ...desired.metadata, annotations } })
    return 'created'
  }
  const next: Endpoints = {
    ...current,
    metadata: { ...current.metadata, labels: desired.metadata.labels ?? {}, annotations },
    subsets: desired.subsets ?? [],
  }
  // update() compares-and-swaps on the resourceVersion read above: a concurrent writer makes
  // this throw BATON_CONFLICT and the runner retries with a fresh read.
  store.update<'Endpoints'>(next)
  return 'updated'
}

export interface EndpointsControllerDeps {
  store: ObjectStore
  clock: Clock
}

export function endpointsController(deps: EndpointsControllerDeps): Controller {
  return {
    name: 'endpoints',
    watches: [
      { kind: 'Service', keys: (obj) => [objectKey(obj)] },
      { kind: 'Endpoints', keys: (obj) => [objectKey(obj)] },
      {
        kind: 'Pod',
        keys: (obj, cache) => {
          const ns = obj.metadata.namespace ?? 'default'
          const services = cache.list('Service', ns) as Service[]
          return servicesSelecting(obj as Pod, services).map(objectKey)
        },
      },
    ],
    reconcile(key) {
      const { namespace, name } = parseKey(key)
      reconcileEndpoints(deps.store, deps.clock, namespace, name)
    },
  }
}
