/**
 * @module
 * Finding (and, on the rollout paths, creating) the Deployment's new ReplicaSet, and keeping
 * revisions in step (sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet).
 *
 * Revision rule: the new RS's revision is (highest old revision) + 1 and only ever raised; the
 * Deployment mirrors it in its own revision annotation. A rollback is simply an old RS becoming
 * new again: it gets max+1 and its previous number moves into revision-history.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import type { ReplicaSet } from '../../api/types.ts'
import { REVISION_ANNOTATION, setNewReplicaSetAnnotations } from '../../rollout/annotations.ts'
import {
  REASON_FOUND_NEW_REPLICA_SET,
  REASON_NEW_REPLICA_SET_CREATED,
  getDeploymentCondition,
  newDeploymentCondition,
  setDeploymentCondition,
} from '../../rollout/conditions.ts'
import { findNewReplicaSet, maxRevision } from '../../rollout/replica-sets.ts'
import { hasProgressDeadline } from '../../rollout/spec-defaults.ts'
import { POD_TEMPLATE_HASH_LABEL, computeHash, replicaSetName } from '../../rollout/template-hash.ts'
import { newRSNewReplicas } from '../../rollout/new-replicas.ts'
import { recordEvent, setWorkingStatus, type SyncState } from './sync-state.ts'

export interface ReplicaSetView {
  newRS: ReplicaSet | undefined
  /** Every owned RS but the new one, active or not. */
  oldRSs: ReplicaSet[]
}

function setDeploymentRevision(s: SyncState, revision: string): void {
  if (s.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return
  const annotations = { ...s.d.metadata.annotations, [REVISION_ANNOTATION]: revision }
  s.d = { ...s.d, metadata: { ...s.d.metadata, annotations } }
  s.actions.push({ type: 'updateDeploymentAnnotations', annotations })
}

function setProgressing(s: SyncState, reason: string, message: string): void {
  const cond = newDeploymentCondition('Progressing', 'True', reason, message, s.now)
  setWorkingStatus(s, setDeploymentCondition(s.d.status ?? {}, cond))
}

/**
 * Splits the owned RSs into new and old and syncs the existing new RS: its annotations
 * (copied Deployment annotations, raised revision) and minReadySeconds. If those needed a write,
 * the Deployment's own revision follows on the next sync, as in Kubernetes.
 */
export function syncRevision(s: SyncState, owned: readonly ReplicaSet[]): ReplicaSetView {
  const found = findNewReplicaSet(s.d, owned)
  const oldRSs = owned.filter((rs) => rs.metadata.name !== found?.metadata.name)
  if (!found) return { newRS: undefined, oldRSs }
  const newRevision = maxRevision(oldRSs) + 1
  const update = setNewReplicaSetAnnotations(s.d, found.metadata.annotations, newRevision, true)
  const minReadySeconds = s.d.spec.minReadySeconds ?? 0
  if (update.changed || (found.spec.minReadySeconds ?? 0) !== minReadySeconds) {
    s.actions.push({
      type: 'updateReplicaSet',
      name: found.metadata.name,
      annotations: update.annotations,
      minReadySeconds,
    })
    const newRS = {
      ...found,
      metadata: { ...found.metadata, annotations: update.annotations },
      spec: { ...found.spec, minReadySeconds },
    }
    return { newRS, oldRSs }
  }
  setDeploymentRevision(s, found.metadata.annotations?.[REVISION_ANNOTATION] ?? '')
  if (hasProgressDeadline(s.d) && !getDeploymentCondition(s.d.status, 'Progressing')) {
    setProgressing(s, REASON_FOUND_NEW_REPLICA_SET, `Found new replica set "${found.metadata.name}"`)
  }
  return { newRS: found, oldRSs }
}

/**
 * Plans the creation of the new RS: the Deployment's template and selector plus the
 * pod-template-hash label, named `<deployment>-<hash>`, controlled by the Deployment, sized by
 * NewRSNewReplicas. Returns 'collision' when another RS already holds that name: then
 * status.collisionCount is bumped (the next hash differs) and this sync stops. (An RS with that
 * name that this Deployment owns and whose template matches would already be the new RS.)
 */
export function createNewReplicaSet(
  s: SyncState,
  view: ReplicaSetView,
  namespaceRSs: readonly ReplicaSet[],
): ReplicaSet | 'collision' {
  const d = s.d
  const hash = computeHash(d.spec.template, d.status?.collisionCount)
  const name = replicaSetName(d.metadata.name, hash)
  if (namespaceRSs.some((rs) => rs.metadata.name === name)) {
    setWorkingStatus(s, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 })
    return 'collision'
  }
  const template = structuredClone(d.spec.template)
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash }
  template.metadata = { ...template.metadata, labels }
  const selector = structuredClone(d.spec.selector)
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash }
  const draft: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      ...(d.metadata.namespace !== undefined ? { namespace: d.metadata.namespace } : {}),
      labels: { ...labels },
      ownerReferences: [controllerRef('apps/v1', 'Deployment', d.metadata)],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  }
  const replicas = newRSNewReplicas(d, [...view.oldRSs, draft], draft)
  const newRevision = maxRevision(view.oldRSs) + 1
  const { annotations } = setNewReplicaSetAnnotations(d, undefined, newRevision, false)
  const replicaSet: ReplicaSet = {
    ...draft,
    metadata: { ...draft.metadata, annotations },
    spec: { ...draft.spec, replicas },
  }
  s.actions.push({ type: 'createReplicaSet', replicaSet })
  if (replicas > 0) recordEvent(s, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`)
  setDeploymentRevision(s, String(newRevision))
  if (hasProgressDeadline(d)) setProgressing(s, REASON_NEW_REPLICA_SET_CREATED, `Created new replica set "${name}"`)
  return replicaSet
}
