/**
 * @module
 * The /scale subresource of Deployments, ReplicaSets and StatefulSets, in the autoscaling/v1
 * Scale shape that `kubectl scale` reads and writes:
 *
 *   {apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: {name, namespace, resourceVersion},
 *    spec: {replicas: 3}, status: {replicas: 2, selector: 'app=web'}}
 *
 * A write changes only spec.replicas; a resourceVersion in the body makes it conditional.
 */
import type { Context, Hono } from 'hono'
import { selectorToString } from '../api/labels.ts'
import type { Limits } from '../api/limits.ts'
import type { Deployment, Kind, ReplicaSet, StatefulSet } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { ObjectStore } from '../store/types.ts'
import { readJson } from './body.ts'
import { badRequest } from './errors.ts'
import { applyPatch, isApplyPatch } from './kube/patch.ts'
import { getOr404, kindOf } from './lookup.ts'
import { checkWorkloadLimits, nodeObjects } from './workload-limits.ts'

type Scalable = Deployment | ReplicaSet | StatefulSet
const SCALABLE: readonly Kind[] = ['Deployment', 'ReplicaSet', 'StatefulSet']

export interface Scale {
  apiVersion: 'autoscaling/v1'
  kind: 'Scale'
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string }
  spec: { replicas: number }
  status: { replicas: number; selector: string }
}

export function toScale(obj: Scalable): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      ...(uid ? { uid } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(creationTimestamp ? { creationTimestamp } : {}),
    },
    spec: { replicas: obj.spec.replicas ?? 1 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorToString(obj.spec.selector) },
  }
}

function scalable(c: Context, group: string, store: ObjectStore): Scalable {
  const kind = kindOf(c, group)
  if (!SCALABLE.includes(kind)) {
    throw new BatonError('BATON_NOT_FOUND', `${kind} has no scale subresource`, {
      hint: 'Scale deployments, replicasets or statefulsets',
    })
  }
  return getOr404(store, kind, c.req.param('ns') ?? '', c.req.param('name') ?? '') as Scalable
}

function writeScale(store: ObjectStore, limits: Limits, current: Scalable, body: unknown): Scale {
  const b = body as Partial<Scale> | undefined
  const replicas = b?.spec?.replicas
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw new BatonError(
      'BATON_INVALID',
      `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: must be greater than or equal to 0`,
      {
        hint: 'Send {"spec":{"replicas":N}} with N >= 0',
        causes: [{ field: 'spec.replicas', message: 'must be greater than or equal to 0' }],
      },
    )
  }
  const next = structuredClone(current)
  next.spec.replicas = replicas as number
  next.metadata.resourceVersion = b?.metadata?.resourceVersion || current.metadata.resourceVersion
  checkWorkloadLimits(next, current, () => nodeObjects(store), limits)
  return toScale(store.update(next) as Scalable)
}

export function registerScaleRoutes(app: Hono, path: string, group: string, store: ObjectStore, limits: Limits): void {
  app.get(path, (c) => c.json(toScale(scalable(c, group, store))))
  app.put(path, async (c) => {
    const current = scalable(c, group, store)
    const body = await readJson(c)
    if (body === undefined) throw badRequest('the request body is empty', 'Send an autoscaling/v1 Scale')
    return c.json(writeScale(store, limits, current, body))
  })
  app.patch(path, async (c) => {
    const current = scalable(c, group, store)
    // By Content-Type, as for objects; an apply is refused (415) before its YAML body is read.
    const type = c.req.header('content-type')
    const patch = isApplyPatch(type) ? undefined : await readJson(c)
    return c.json(writeScale(store, limits, current, applyPatch(type, toScale(current), patch)))
  })
}
