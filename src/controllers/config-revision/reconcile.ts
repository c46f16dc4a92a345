/**
 * @module
 * The config-revision controller's executor: read the Deployment, its ReplicaSets and the
 * ConfigMaps and Secrets of its namespace from the cache, ask plan.ts, apply the actions in
 * order (the snapshot is created before the template names it). A ConfigMap or Secret change
 * wakes every Deployment of its namespace whose template references it.
 */
import { CONFIG_SEQUENCE_LABEL, configRefs, refKey } from '../../api/config-snapshot.ts'
import type { AnyObject, Deployment } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import { recordEvent } from '../../events/record-event.ts'
import {
  type Controller,
  type ReconcileResult,
  type Watch,
  enqueueController,
  enqueueSelf,
  onlyTypes,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import type { CacheEvent, ObjectCache } from '../../reconciler/object-cache.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import { type PendingChange, planConfigRevision } from './plan.ts'

export const CONFIG_REVISION_CONTROLLER = 'config-revision-controller'
const RETRY_MS = 10_000

/** A Deployment change that can matter: not a status-only write (the deployment controller's many). */
const specOrAnnotations = (ev: CacheEvent): boolean =>
  ev.type !== 'MODIFIED' ||
  !ev.old ||
  ev.old.metadata.generation !== ev.object.metadata.generation ||
  ev.old.metadata.deletionTimestamp !== ev.object.metadata.deletionTimestamp ||
  JSON.stringify(ev.old.metadata.annotations) !== JSON.stringify(ev.object.metadata.annotations)

/** The Deployments of the object's namespace whose template reads it. */
function referencing(kind: 'ConfigMap' | 'Secret'): Watch {
  const key = (name: string) => `${kind === 'ConfigMap' ? 'configmap' : 'secret'}/${name}`
  return {
    kind,
    keys(obj: AnyObject, cache: ObjectCache) {
      const namespace = obj.metadata.namespace ?? 'default'
      const wanted = key(obj.metadata.name)
      return cache
        .list('Deployment', namespace)
        .filter((d) => configRefs(d.spec.template).some((r) => refKey(r) === wanted))
        .map((d) => `${namespace}/${d.metadata.name}`)
    },
  }
}

export function createConfigRevisionController(deps: ControllerDeps): Controller {
  const pending = new Map<string, PendingChange>()
  return {
    name: CONFIG_REVISION_CONTROLLER,
    watches: [
      enqueueSelf('Deployment', specOrAnnotations),
      referencing('ConfigMap'),
      referencing('Secret'),
      // A ReplicaSet the history limit removed may leave a snapshot nothing names.
      enqueueController('ReplicaSet', 'Deployment', onlyTypes('DELETED')),
    ],
    reconcile: (key) => reconcileConfigRevision(deps, key, pending),
  }
}

/** `pending`: the changes waiting to settle, by key (the controller's memory between syncs). */
export function reconcileConfigRevision(
  deps: ControllerDeps,
  key: string,
  pending: Map<string, PendingChange>,
): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const { cache, store, clock } = deps
  const deployment = cache.get('Deployment', namespace, name)
  const waiting = pending.get(key)
  pending.delete(key)
  if (!deployment?.metadata.uid) return {}
  const actions = planConfigRevision({
    deployment,
    replicaSets: cache.ownedBy('ReplicaSet', deployment.metadata.uid),
    configMaps: cache.list('ConfigMap', namespace),
    secrets: cache.list('Secret', namespace),
    ...(waiting ? { pending: waiting } : {}),
    now: clock.now(),
  })
  let requeueAfterMs: number | undefined
  let d: Deployment = deployment
  for (const a of actions) {
    switch (a.type) {
      case 'createSnapshot':
        try {
          store.create<'Secret'>(a.secret)
        } catch (err) {
          // Same name, same content (the name is the content's hash): a retried sync.
          if (!(isBatonError(err) && err.code === 'BATON_ALREADY_EXISTS')) throw err
        }
        break
      case 'labelSnapshot': {
        const snap = cache.get('Secret', namespace, a.name)
        if (!snap) break
        const labels = { ...snap.metadata.labels, [CONFIG_SEQUENCE_LABEL]: String(a.sequence) }
        store.update<'Secret'>({ ...snap, metadata: { ...snap.metadata, labels } })
        break
      }
      case 'stampTemplate': {
        const t = d.spec.template
        const annotations = merged(t.metadata?.annotations, a.annotations)
        const metadata = { ...t.metadata }
        if (annotations) metadata.annotations = annotations
        else delete metadata.annotations
        d = store.update<'Deployment'>({ ...d, spec: { ...d.spec, template: { ...t, metadata } } })
        break
      }
      case 'deleteSnapshot':
        try {
          store.delete('Secret', namespace, a.name)
        } catch (err) {
          if (!(isBatonError(err) && err.code === 'BATON_NOT_FOUND')) throw err
        }
        break
      case 'event':
        recordEvent(store, clock, d, a.eventType, a.reason, a.message, CONFIG_REVISION_CONTROLLER)
        // A warning waits on a Secret nothing here watches for (a name taken): look again.
        if (a.eventType === 'Warning') requeueAfterMs = Math.min(requeueAfterMs ?? RETRY_MS, RETRY_MS)
        break
      case 'wait':
        pending.set(key, a.pending)
        requeueAfterMs = a.afterMs
        break
    }
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs }
}

/** `base` with `changes` applied: a value sets, undefined removes; undefined when nothing is left. */
function merged(
  base: Readonly<Record<string, string>> | undefined,
  changes: Record<string, string | undefined>,
): Record<string, string> | undefined {
  const out: Record<string, string> = { ...base }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k]
    else out[k] = v
  }
  return Object.keys(out).length > 0 ? out : undefined
}
