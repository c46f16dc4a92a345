/**
 * @module
 * The StatefulSet planner: one pure sync of kube-controller-manager's StatefulSet controller
 * (stateful_set_control.go UpdateStatefulSet, with MaxUnavailableStatefulSet on, its default
 * since Kubernetes 1.35). Input is the set, its pods and the ControllerRevisions of its
 * namespace as the store holds them; output is the ordered list of writes (actions.ts).
 *
 * Order of one sync, as upstream:
 *  1. revisions: the update revision is the template's; an equal older one is renumbered
 *     (rollback), else a new one is created (a name taken by different data bumps
 *     collisionCount); the current revision is status.currentRevision's, or the update one;
 *  2. pods are split into replicas (ordinal in [start, start+replicas)) and condemned;
 *     missing ordinals get a pod at the current revision below the partition, else the update;
 *  3. (OrderedReady, "monotonic") each replica in ordinal order: a failed or succeeded pod is
 *     deleted, a missing one created, and the sync stops at the first pod that was just made,
 *     is terminating, or not Running, Ready and available; Parallel does all of them;
 *  4. condemned pods are deleted from the highest ordinal, one per sync when monotonic;
 *  5. OnDelete stops here; RollingUpdate deletes, from the highest ordinal down to the
 *     partition, up to maxUnavailable minus the unavailable replicas pods of another revision;
 *  6. status (a finished update makes the update revision current), then the revision
 *     history is cut to revisionHistoryLimit, keeping every live revision.
 *
 * Beyond Kubernetes, opt-in (RECOVER_ANNOTATION "true"): a rolling update stuck behind an
 * unready pod of an old revision (kubernetes#67250) deletes that pod, see recoverStuckPod.
 */
import type {
  ControllerRevision,
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
  StatefulSetStatus,
} from '../../api/types.ts'
import { isControlledBy } from '../../api/owner-refs.ts'
import { scaledValue } from '../../rollout/intstr.ts'
import type { StatefulSetAction } from './actions.ts'
import {
  getOrdinal,
  identityMatches,
  newClaims,
  storageMatches,
  withStorage,
  newVersionedStatefulSetPod,
  podInOrdinalRange,
  podRevision,
  startOrdinal,
  withIdentity,
} from './identity.ts'
import {
  isFailed,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
} from './pod-state.ts'
import {
  applyRevision,
  equalRevision,
  findEqualRevisions,
  newRevision,
  nextRevision,
  sortRevisions,
} from './revisions.ts'

/** Opt-in recovery of a rolling update stuck behind an unready pod of an old revision. */
export const RECOVER_ANNOTATION = 'baton.dev/recover-stuck-rollout'

export interface StatefulSetPlanInput {
  set: StatefulSet
  /** Pods the set controls. */
  pods: readonly Pod[]
  /** ControllerRevisions of the set's namespace; the planner keeps those the set controls. */
  revisions: readonly ControllerRevision[]
  /** The node new pods are bound to. */
  nodeName: string
  /** PersistentVolumeClaims of the set's namespace (absent: none). */
  claims?: readonly PersistentVolumeClaim[]
}

interface Member {
  pod: Pod
  /** False for an ordinal this sync creates (upstream's isCreated: no phase yet). */
  created: boolean
}

/**
 * Plans one sync of `input.set` at `now` (epoch ms).
 *
 * @example
 * planStatefulSet({ set, pods: [], revisions: [], nodeName: 'baton' }, now)
 * // [{ type: 'createRevision', … }, { type: 'createPod', pod: web-0 }, { type: 'updateStatus', … }]
 */
export function planStatefulSet(input: StatefulSetPlanInput, now: number): StatefulSetAction[] {
  const { set, nodeName } = input
  const actions: StatefulSetAction[] = []
  const owned = sortRevisions(input.revisions.filter((r) => isControlledBy(r, set)))
  const { current, update, collisionCount } = syncRevisions(set, owned, input.revisions, actions)

  const minReady = set.spec.minReadySeconds ?? 0
  const replicaCount = set.spec.replicas ?? 1
  const start = startOrdinal(set)
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: 0,
    currentRevision: current.metadata.name,
    updateRevision: update.metadata.name,
    collisionCount,
  }

  const replicas: (Member | undefined)[] = new Array(replicaCount).fill(undefined)
  const condemned: Member[] = []
  for (const pod of input.pods) {
    if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = { pod, created: true }
    else if (getOrdinal(pod) >= 0) condemned.push({ pod, created: true })
  }
  const currentSet = applyRevision(set, current)
  const updateSet = applyRevision(set, update)
  const members: Member[] = replicas.map(
    (m, i) =>
      m ?? {
        pod: newVersionedStatefulSetPod(
          currentSet,
          updateSet,
          current.metadata.name,
          update.metadata.name,
          start + i,
          nodeName,
        ),
        created: false,
      },
  )
  condemned.sort((a, b) => getOrdinal(b.pod) - getOrdinal(a.pod))

  const unavailable = (m: Member) => !m.created || isUnavailable(m.pod, minReady, now)
  let firstUnhealthy: Member | undefined = members.find(unavailable)
  if (!firstUnhealthy)
    for (let i = condemned.length - 1; i >= 0 && !firstUnhealthy; i--) {
      const m = condemned[i]
      if (m && unavailable(m)) firstUnhealthy = m
    }

  const counted = () => [...members.filter((m) => m.created), ...condemned]
  const finish = (deletedForUpdate = 0): StatefulSetAction[] => {
    Object.assign(status, countStatus(counted(), minReady, now, current, update))
    status.currentReplicas = (status.currentReplicas ?? 0) - deletedForUpdate
    writeStatus(set, status, actions)
    if (minReady > 0 && status.availableReplicas !== replicaCount) {
      actions.push({ type: 'requeue', afterMs: minReady * 1000 })
    }
    truncateHistory(set, input.pods, owned, current, update, actions)
    return actions
  }

  if (set.metadata.deletionTimestamp !== undefined) return finish()

  const monotonic = set.spec.podManagementPolicy !== 'Parallel'
  const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
  const updateMin = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0

  if (rolling && set.metadata.annotations?.[RECOVER_ANNOTATION] === 'true') {
    const stuck = recoverStuckPod(members, updateMin, update.metadata.name)
    if (stuck) {
      actions.push(
        {
          type: 'event',
          eventType: 'Normal',
          reason: 'RecoverStuckRollout',
          message: `Pod ${stuck.metadata.name} of revision ${podRevision(stuck)} is not ready; replacing it with revision ${update.metadata.name} (${RECOVER_ANNOTATION})`,
        },
        { type: 'deletePod', name: stuck.metadata.name, why: 'recover' },
      )
      return finish(1)
    }
  }

  const claims = new Map((input.claims ?? []).map((c) => [c.metadata.name, c]))
  // 3. Living replicas.
  for (const m of members) {
    const blocked = processReplica(set, m, monotonic, minReady, now, actions, claims)
    if (blocked && monotonic) return finish()
  }
  // Condemned pods' claims get the owners whenScaled asks for before the pods go.
  for (const m of condemned) fixClaims(set, m.pod, true, claims, actions)
  // 4. Condemned pods, highest ordinal first.
  for (const m of condemned) {
    const pod = m.pod
    if (isTerminating(pod)) {
      if (monotonic) return finish()
      continue
    }
    if (monotonic && m !== firstUnhealthy && !isRunningAndAvailable(pod, minReady, now)) return finish()
    actions.push({ type: 'deletePod', name: pod.metadata.name, why: 'scale' })
    if (monotonic) return finish()
  }
  // 5. The update.
  if (!rolling) return finish()
  const maxUnavailable = statefulSetMaxUnavailable(set)
  const unavailableCount = members.filter(unavailable).length
  if (unavailableCount >= maxUnavailable) return finish()
  let deleted = 0
  for (let target = members.length - 1; target >= updateMin && deleted < maxUnavailable - unavailableCount; target--) {
    const m = members[target]
    if (!m?.created) continue
    if (podRevision(m.pod) !== update.metadata.name && !isTerminating(m.pod)) {
      actions.push({ type: 'deletePod', name: m.pod.metadata.name, why: 'update' })
      deleted++
    }
  }
  return finish(deleted)
}

/** processReplica; true when a monotonic sync must stop at this replica. */
function processReplica(
  set: StatefulSet,
  m: Member,
  monotonic: boolean,
  minReady: number,
  now: number,
  actions: StatefulSetAction[],
  claims: ReadonlyMap<string, PersistentVolumeClaim>,
): boolean {
  const pod = m.pod
  if (m.created && (isFailed(pod) || isSucceeded(pod))) {
    // The next sync, after the pod is gone, creates it again.
    if (!isTerminating(pod)) actions.push({ type: 'deletePod', name: pod.metadata.name, why: 'failed' })
    return true
  }
  if (!m.created) {
    for (const claim of newClaims(set, getOrdinal(pod))) {
      if (claims.has(claim.metadata.name)) continue
      const ownerReferences = claimOwners(set, pod, false)
      actions.push({
        type: 'createClaim',
        claim: ownerReferences.length > 0 ? { ...claim, metadata: { ...claim.metadata, ownerReferences } } : claim,
        pod: pod.metadata.name,
      })
    }
    actions.push({ type: 'createPod', pod })
    if (monotonic) return true
    // Upstream goes on with the object it created, which has no phase: it is not ready.
    return false
  }
  if (isTerminating(pod) && monotonic) return true
  if (!isRunningAndReady(pod) && monotonic) return true
  if (!isRunningAndAvailable(pod, minReady, now) && monotonic) return true
  fixClaims(set, pod, false, claims, actions)
  if (!identityMatches(set, pod) || !storageMatches(set, pod)) {
    actions.push({ type: 'updatePod', pod: withStorage(set, withIdentity(set, pod)) })
  }
  return false
}

/**
 * The owners persistentVolumeClaimRetentionPolicy gives a claim: the set when whenDeleted is
 * Delete (the claim goes with the set), and the pod when whenScaled is Delete and the pod is
 * condemned by a scale-down (the claim goes with the pod). Retain: none, the claim stays.
 */
export function claimOwners(set: StatefulSet, pod: Pod, condemned: boolean): OwnerReference[] {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy
  const refs: OwnerReference[] = []
  if (policy?.whenDeleted === 'Delete') {
    refs.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid ?? '' })
  }
  if (condemned && policy?.whenScaled === 'Delete' && pod.metadata.uid) {
    refs.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid })
  }
  return refs
}

/** ClaimsMatchRetentionPolicy / UpdatePodClaimForRetentionPolicy for one pod's existing claims. */
function fixClaims(
  set: StatefulSet,
  pod: Pod,
  condemned: boolean,
  claims: ReadonlyMap<string, PersistentVolumeClaim>,
  actions: StatefulSetAction[],
): void {
  for (const want of newClaims(set, getOrdinal(pod))) {
    const claim = claims.get(want.metadata.name)
    if (!claim || claim.metadata.deletionTimestamp) continue
    const wanted = claimOwners(set, pod, condemned)
    const others = (claim.metadata.ownerReferences ?? []).filter((r) => r.kind !== 'StatefulSet' && r.kind !== 'Pod')
    const key = (refs: readonly OwnerReference[]) =>
      refs
        .map((r) => `${r.kind}/${r.uid}`)
        .sort()
        .join(',')
    const have = (claim.metadata.ownerReferences ?? []).filter((r) => r.kind === 'StatefulSet' || r.kind === 'Pod')
    if (key(have) !== key(wanted)) {
      actions.push({
        type: 'updateClaimOwners',
        name: claim.metadata.name,
        ownerReferences: [...others, ...wanted],
        pod: pod.metadata.name,
      })
    }
  }
}

/**
 * The opt-in recovery: the highest ordinal at or above the partition that is not yet at the
 * update revision, when it exists, is not terminating and is not Running and Ready. Choosing
 * only that ordinal keeps the reverse order; a ready pod is left to the normal update.
 */
export function recoverStuckPod(
  members: readonly Member[],
  updateMin: number,
  updateRevision: string,
): Pod | undefined {
  for (let i = members.length - 1; i >= updateMin; i--) {
    const m = members[i]
    if (!m?.created || podRevision(m.pod) === updateRevision) continue
    return !isTerminating(m.pod) && !isRunningAndReady(m.pod) ? m.pod : undefined
  }
  return undefined
}

/** getStatefulSetMaxUnavailable: int or percent of replicas (rounded down), at least 1. */
export function statefulSetMaxUnavailable(set: StatefulSet): number {
  const value = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1
  const n = scaledValue(value, set.spec.replicas ?? 1, false)
  return Math.max(n, 1)
}

/** getStatefulSetRevisions: the current and update revisions, and the collision count. */
function syncRevisions(
  set: StatefulSet,
  owned: readonly ControllerRevision[],
  all: readonly ControllerRevision[],
  actions: StatefulSetAction[],
): { current: ControllerRevision; update: ControllerRevision; collisionCount: number } {
  let collisionCount = set.status?.collisionCount ?? 0
  const number = nextRevision(owned)
  const wanted = newRevision(set, number, collisionCount)
  const equal = findEqualRevisions(owned, wanted)
  const last = owned[owned.length - 1]
  const lastEqual = equal[equal.length - 1]
  let update: ControllerRevision
  if (last && lastEqual && equalRevision(last, lastEqual)) {
    update = last
  } else if (lastEqual) {
    actions.push({ type: 'renumberRevision', name: lastEqual.metadata.name, revision: number })
    update = { ...lastEqual, revision: number }
  } else {
    // CreateControllerRevision: a name held by other data is a collision; the same data is reused.
    for (;;) {
      const candidate = newRevision(set, number, collisionCount)
      const taken = all.find(
        (r) => r.metadata.name === candidate.metadata.name && r.metadata.namespace === candidate.metadata.namespace,
      )
      if (!taken) {
        actions.push({ type: 'createRevision', revision: candidate })
        update = candidate
        break
      }
      if (JSON.stringify(taken.data) === JSON.stringify(candidate.data) || equalRevision(taken, candidate)) {
        update = taken
        break
      }
      collisionCount++
    }
  }
  const current = owned.find((r) => r.metadata.name === set.status?.currentRevision) ?? update
  return { current, update, collisionCount }
}

/** computeReplicaStatus over every created pod. */
function countStatus(
  members: readonly Member[],
  minReady: number,
  now: number,
  current: ControllerRevision,
  update: ControllerRevision,
): Required<
  Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'>
> {
  let replicas = 0
  let ready = 0
  let available = 0
  let currentReplicas = 0
  let updated = 0
  for (const { pod } of members) {
    replicas++
    if (isRunningAndReady(pod)) {
      ready++
      if (isRunningAndAvailable(pod, minReady, now)) available++
    }
    if (!isTerminating(pod)) {
      const revision = podRevision(pod)
      if (revision === current.metadata.name) currentReplicas++
      if (revision === update.metadata.name) updated++
    }
  }
  return {
    replicas,
    readyReplicas: ready,
    availableReplicas: available,
    currentReplicas,
    updatedReplicas: updated,
  }
}

/** updateStatefulSetStatus: completeRollingUpdate, then write only an inconsistent status. */
function writeStatus(set: StatefulSet, status: StatefulSetStatus, actions: StatefulSetAction[]): void {
  if (
    (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentReplicas = status.updatedReplicas
    status.currentRevision = status.updateRevision
  }
  const old = set.status
  const inconsistent =
    old === undefined ||
    (status.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
    status.replicas !== old.replicas ||
    status.currentReplicas !== (old.currentReplicas ?? 0) ||
    status.readyReplicas !== (old.readyReplicas ?? 0) ||
    status.updatedReplicas !== (old.updatedReplicas ?? 0) ||
    status.currentRevision !== old.currentRevision ||
    status.availableReplicas !== (old.availableReplicas ?? 0) ||
    status.updateRevision !== old.updateRevision
  if (inconsistent) actions.push({ type: 'updateStatus', status: { ...old, ...status } })
}

/**
 * truncateHistory: revisions that are neither current, update nor any pod's are history; the
 * oldest are deleted until revisionHistoryLimit remain.
 */
function truncateHistory(
  set: StatefulSet,
  pods: readonly Pod[],
  sorted: readonly ControllerRevision[],
  current: ControllerRevision,
  update: ControllerRevision,
  actions: StatefulSetAction[],
): void {
  const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)])
  const history = sorted.filter((r) => !live.has(r.metadata.name))
  const limit = set.spec.revisionHistoryLimit ?? 10
  if (limit < 0 || history.length <= limit) return
  for (const r of history.slice(0, history.length - limit))
    actions.push({ type: 'deleteRevision', name: r.metadata.name })
}
