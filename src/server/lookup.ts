/**
 * @module
 * Resolving a request path to a kind and an object, with the API server's 404 wording.
 */
import type { Context } from 'hono'
import { kindForPath } from '../api/resources.ts'
import type { AnyObject, Kind } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { notFound } from '../store/store-errors.ts'
import type { ObjectStore } from '../store/types.ts'

/** The kind a path names, or the API server's 404 for an unknown resource. */
export function kindOf(c: Context, group: string): Kind {
  const resource = c.req.param('resource') ?? ''
  const kind = kindForPath(group, resource)
  if (!kind) {
    throw new BatonError('BATON_NOT_FOUND', `the server could not find the requested resource (${resource})`, {
      hint: 'Baton serves deployments, replicasets, statefulsets (apps/v1), pods, services, endpoints, configmaps, secrets, events (v1) and rollouts (argoproj.io/v1alpha1)',
    })
  }
  return kind
}

export function getOr404(store: ObjectStore, kind: Kind, ns: string, name: string): AnyObject {
  const obj = store.get(kind, ns, name)
  if (!obj) throw notFound(kind, ns, name)
  return obj
}
