/**
 * @module
 * The endpoints controller's executor: read the Service, its Endpoints and the namespace's
 * pods from the cache, ask planEndpoints what to do, and write that through the store.
 * Level-triggered: a service key is reconciled from the world as it is now, whatever event
 * queued it (a pod became ready, was deleted, changed labels; the service changed; its
 * Endpoints were edited by hand).
 */
import { formatTimestamp } from '../../api/timestamps.ts'
import type { Pod, Service } from '../../api/types.ts'
import type { Controller, ReconcileContext } from '../../reconciler/controller.ts'
import { objectKey, parseKey } from '../../reconciler/keys.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { type EndpointsAction, planEndpoints, servicesSelecting } from './plan.ts'

export const ENDPOINTS_CONTROLLER = 'endpoints-controller'

export type EndpointsOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'unmanaged'

export function createEndpointsController(deps: ControllerDeps): Controller {
  return {
    name: ENDPOINTS_CONTROLLER,
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
    reconcile(key, ctx) {
      reconcileEndpoints(deps, key, ctx)
    },
  }
}

export function reconcileEndpoints(deps: ControllerDeps, key: string, ctx?: ReconcileContext): EndpointsOutcome {
  const { cache, clock } = deps
  const { namespace, name } = parseKey(key)
  const service = cache.get('Service', namespace, name)
  const action = planEndpoints(
    {
      service,
      current: cache.get('Endpoints', namespace, name),
      pods: service ? cache.list('Pod', namespace) : [],
    },
    formatTimestamp(clock.now()),
  )
  const outcome = applyEndpointsAction(deps, namespace, name, action)
  if (ctx?.debug) ctx.logger.debug('endpoints synced', { outcome })
  return outcome
}

function applyEndpointsAction(
  deps: ControllerDeps,
  namespace: string,
  name: string,
  action: EndpointsAction,
): EndpointsOutcome {
  switch (action.type) {
    case 'create':
      deps.store.create<'Endpoints'>(action.endpoints)
      return 'created'
    case 'update':
      // update() compares-and-swaps on the resourceVersion read from the cache: a concurrent
      // writer makes this throw BATON_CONFLICT and the runner retries with a fresh read.
      deps.store.update<'Endpoints'>(action.endpoints)
      return 'updated'
    case 'delete':
      deps.store.delete('Endpoints', namespace, name)
      return 'deleted'
    case 'none':
      return action.why
  }
}
