/**
 * @module
 * The StatefulSet controller's executor: read the set, its pods and the ControllerRevisions of
 * its namespace from the cache, adopt orphans (ClaimPods / AdoptOrphanRevisions), ask the pure
 * planner what to do, and apply the actions in order through the store, recording the events
 * Kubernetes' StatefulPodControl records ("create Pod web-0 in StatefulSet web successful").
 *
 * A failed write stops the sync: the runner requeues the key with back-off and the next sync
 * re-reads the world (level-triggered, so applying a prefix of the actions is always safe).
 */
import { controllerRef } from '../../api/owner-refs.ts'
import { isEmptySelector, matchesSelector } from '../../api/labels.ts'
import { DEFAULT_NODE_NAME } from '../../api/node-name.ts'
import type { ControllerRevision, KObject, Pod, StatefulSet } from '../../api/types.ts'
import { isBatonError } from '../../errors/baton-error.ts'
import { recordEvent } from '../../events/record-event.ts'
import {
  type Controller,
  type ReconcileResult,
  TerminalError,
  enqueueController,
  enqueueSelf,
  onlyTypes,
} from '../../reconciler/controller.ts'
import { parseKey } from '../../reconciler/keys.ts'
import type { CacheEvent } from '../../reconciler/object-cache.ts'
import type { ControllerDeps } from '../controller-deps.ts'
import type { StatefulSetAction } from './actions.ts'
import { isMemberOf } from './identity.ts'
import { planStatefulSet } from './plan.ts'

export const STATEFULSET_CONTROLLER = 'statefulset-controller'

/** A change of the set other than its own status write. */
function setChanged(ev: CacheEvent): boolean {
  if (ev.type !== 'MODIFIED' || !ev.old) return true
  const [a, b] = [ev.old.metadata, ev.object.metadata]
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  )
}

export function createStatefulSetController(deps: ControllerDeps): Controller {
  return {
    name: STATEFULSET_CONTROLLER,
    watches: [
      enqueueSelf('StatefulSet', setChanged),
      enqueueController('Pod', 'StatefulSet'),
      enqueueController('ControllerRevision', 'StatefulSet', onlyTypes('DELETED')),
      // Claims are read from the cache; a claim's own change needs no sync.
      { kind: 'PersistentVolumeClaim', predicate: () => false, keys: () => [] },
    ],
    reconcile: (key) => reconcileStatefulSet(deps, key),
  }
}

export function reconcileStatefulSet(deps: ControllerDeps, key: string): ReconcileResult {
  const { namespace, name } = parseKey(key)
  const set = deps.cache.get('StatefulSet', namespace, name)
  if (!set?.metadata.uid) return {}
  adoptOrphans(deps, set)
  const actions = planStatefulSet(
    {
      set,
      pods: deps.cache.ownedBy('Pod', set.metadata.uid),
      revisions: deps.cache.list('ControllerRevision', namespace),
      nodeName: deps.nodeName ?? DEFAULT_NODE_NAME,
      claims: deps.cache.list('PersistentVolumeClaim', namespace),
    },
    deps.clock.now(),
  )
  return applyActions(deps, set, actions)
}

export function applyActions(
  deps: ControllerDeps,
  set: StatefulSet,
  actions: readonly StatefulSetAction[],
): ReconcileResult {
  const { store, clock } = deps
  const namespace = set.metadata.namespace ?? 'default'
  const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    recordEvent(store, clock, set, type, reason, message, STATEFULSET_CONTROLLER)
  const podEvent = (verb: 'create' | 'delete' | 'update', pod: string, err?: unknown) => {
    const title = verb[0]?.toUpperCase() + verb.slice(1)
    if (err === undefined)
      event('Normal', `Successful${title}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata.name} successful`)
    else {
      const why = err instanceof Error ? err.message : String(err)
      event('Warning', `Failed${title}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${why}`)
    }
  }
  const claimEvent = (verb: 'create', claim: string, pod: string, err?: unknown) => {
    const what = `${verb} Claim ${claim} Pod ${pod} in StatefulSet ${set.metadata.name}`
    if (err === undefined) event('Normal', 'SuccessfulCreate', `${what} success`)
    else event('Warning', 'FailedCreate', `${what} failed error: ${err instanceof Error ? err.message : String(err)}`)
  }
  let requeueAfterMs: number | undefined

  for (const a of actions) {
    switch (a.type) {
      case 'createRevision':
        store.create<'ControllerRevision'>(a.revision)
        break
      case 'renumberRevision': {
        const r = store.get('ControllerRevision', namespace, a.name)
        if (!r) throw new TerminalError(`planner named unknown revision ${namespace}/${a.name}`)
        store.update<'ControllerRevision'>({ ...r, revision: a.revision })
        break
      }
      case 'createClaim':
        try {
          store.create<'PersistentVolumeClaim'>(a.claim)
        } catch (err) {
          claimEvent('create', a.claim.metadata.name, a.pod, err)
          throw err
        }
        claimEvent('create', a.claim.metadata.name, a.pod)
        break
      case 'updateClaimOwners': {
        const claim = store.get('PersistentVolumeClaim', namespace, a.name)
        if (!claim) break
        store.update<'PersistentVolumeClaim'>({
          ...claim,
          metadata: { ...claim.metadata, ownerReferences: a.ownerReferences },
        })
        break
      }
      case 'createPod':
        try {
          store.create<'Pod'>(a.pod)
        } catch (err) {
          podEvent('create', a.pod.metadata.name, err)
          throw err
        }
        podEvent('create', a.pod.metadata.name)
        break
      case 'updatePod':
        try {
          store.update<'Pod'>(a.pod)
        } catch (err) {
          podEvent('update', a.pod.metadata.name, err)
          throw err
        }
        podEvent('update', a.pod.metadata.name)
        break
      case 'deletePod':
        try {
          store.delete('Pod', namespace, a.name)
        } catch (err) {
          // Already gone: the goal is met, as upstream ignores NotFound here.
          if (isBatonError(err) && err.code === 'BATON_NOT_FOUND') break
          podEvent('delete', a.name, err)
          throw err
        }
        podEvent('delete', a.name)
        break
      case 'updateStatus':
        store.updateStatus<'StatefulSet'>({ ...set, status: a.status })
        break
      case 'deleteRevision':
        try {
          store.delete('ControllerRevision', namespace, a.name)
        } catch (err) {
          if (!(isBatonError(err) && err.code === 'BATON_NOT_FOUND')) throw err
        }
        break
      case 'event':
        event(a.eventType, a.reason, a.message)
        break
      case 'requeue':
        requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, Math.max(0, a.afterMs))
        break
      default:
        assertNever(a)
    }
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs }
}

/**
 * ClaimPods and AdoptOrphanRevisions: an uncontrolled pod that is a member by name and matches
 * the selector, and an uncontrolled revision that matches it, get the set as controller.
 */
function adoptOrphans(deps: ControllerDeps, set: StatefulSet): void {
  if (isEmptySelector(set.spec.selector) || set.metadata.deletionTimestamp) return
  const namespace = set.metadata.namespace ?? 'default'
  const ref = controllerRef('apps/v1', 'StatefulSet', set.metadata)
  const adoptable = <T extends KObject>(o: T) =>
    !o.metadata.deletionTimestamp && matchesSelector(set.spec.selector, o.metadata.labels)
  for (const pod of deps.cache.uncontrolled('Pod', namespace)) {
    if (!adoptable(pod) || !isMemberOf(set, pod)) continue
    const ownerReferences = [...(pod.metadata.ownerReferences ?? []), ref]
    deps.store.update<'Pod'>({ ...pod, metadata: { ...pod.metadata, ownerReferences } } as Pod)
  }
  for (const r of deps.cache.uncontrolled('ControllerRevision', namespace)) {
    if (!adoptable(r)) continue
    const ownerReferences = [...(r.metadata.ownerReferences ?? []), ref]
    deps.store.update<'ControllerRevision'>({
      ...r,
      metadata: { ...r.metadata, ownerReferences },
    } as ControllerRevision)
  }
}

function assertNever(x: never): never {
  throw new TerminalError(`unhandled statefulset action ${JSON.stringify(x)}`)
}
