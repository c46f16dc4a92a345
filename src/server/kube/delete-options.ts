/**
 * @module
 * DELETE as kube-apiserver takes it: metav1.DeleteOptions from the query or the body
 * (propagationPolicy, gracePeriodSeconds, preconditions, dryRun), for one object and for a
 * collection (the `deletecollection` verb):
 *
 *   DELETE /apis/apps/v1/namespaces/default/deployments?labelSelector=app%3Dweb&propagationPolicy=Orphan
 *     -> 200 DeploymentList of the objects as deleted (or as marked for deletion)
 *
 * Propagation follows the store (store/types.ts): Background removes the object and deletes its
 * dependents after it, Foreground keeps it marked with the foregroundDeletion finalizer until
 * its blocking dependents are gone, Orphan strips the dependents' ownerReferences to it.
 */
import type { Context } from 'hono'
import { apiVersionOf } from '../../api/resources.ts'
import type { AnyObject, Kind } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import type { DeleteOptions, ObjectStore } from '../../store/types.ts'
import { badRequest } from '../errors.ts'
import { matchesFields, parseFieldSelector } from '../field-selector.ts'

const POLICIES = ['Background', 'Foreground', 'Orphan'] as const
type Policy = (typeof POLICIES)[number]

interface DeleteBody {
  propagationPolicy?: unknown
  orphanDependents?: unknown
  gracePeriodSeconds?: unknown
  preconditions?: { resourceVersion?: string; uid?: string }
  dryRun?: unknown
}

function nonNegativeInt(name: string, v: unknown): number | undefined {
  if (v === undefined || v === '' || v === null) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw badRequest(`${name} must be a non-negative integer, not "${String(v)}"`, `Pass ${name}=<seconds>`)
  return n
}

/** The DeleteOptions of a request; the query wins over the body, as kube-apiserver merges them. */
export function deleteOptions(c: Context, body: unknown): DeleteOptions & { dryRun: boolean } {
  const b = (body ?? {}) as DeleteBody
  let policy = c.req.query('propagationPolicy') ?? b.propagationPolicy
  // The deprecated orphanDependents, which older clients send instead.
  const orphan = c.req.query('orphanDependents') ?? b.orphanDependents
  if (policy === undefined && orphan !== undefined) policy = String(orphan) === 'true' ? 'Orphan' : 'Background'
  if (policy !== undefined && !POLICIES.includes(policy as Policy)) {
    throw badRequest(
      `unknown propagationPolicy "${String(policy)}"`,
      'Use Background, Foreground or Orphan (kubectl delete --cascade=background|foreground|orphan)',
    )
  }
  const grace = nonNegativeInt('gracePeriodSeconds', c.req.query('gracePeriodSeconds') ?? b.gracePeriodSeconds)
  const dryRun = c.req.queries('dryRun') ?? (Array.isArray(b.dryRun) ? b.dryRun.map(String) : [])
  for (const d of dryRun) {
    if (d !== 'All') throw badRequest(`dryRun must be "All", not "${d}"`, 'Pass dryRun=All, or leave it out')
  }
  return {
    ...(policy !== undefined ? { propagationPolicy: policy as Policy } : {}),
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(b.preconditions?.resourceVersion ? { resourceVersion: b.preconditions.resourceVersion } : {}),
    dryRun: dryRun.length > 0,
  }
}

/**
 * `deletecollection`: every object of the kind in the namespace that the label and field
 * selectors match, deleted one by one with the same options. An object another client removes
 * meanwhile is skipped, not an error.
 */
export function deleteCollection(c: Context, store: ObjectStore, kind: Kind, namespace: string, body: unknown) {
  const { dryRun, ...opts } = deleteOptions(c, body)
  const fields = parseFieldSelector(c.req.query('fieldSelector'))
  const labelSelector = c.req.query('labelSelector') || undefined
  const list = store.list(kind, { namespace, ...(labelSelector ? { labelSelector } : {}) })
  const items: AnyObject[] = []
  for (const obj of list.items.filter((o) => matchesFields(o, fields))) {
    if (dryRun) {
      items.push(obj)
      continue
    }
    try {
      items.push(store.delete(kind, namespace, obj.metadata.name, opts))
    } catch (err) {
      if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') continue
      throw err
    }
  }
  return {
    apiVersion: apiVersionOf(kind),
    kind: `${kind}List`,
    metadata: { resourceVersion: store.currentResourceVersion() },
    items,
  }
}
