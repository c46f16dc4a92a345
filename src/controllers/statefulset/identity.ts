/**
 * @module
 * A StatefulSet member's identity (stateful_set_utils.go): the pod named `<set>-<ordinal>`,
 * its hostname and subdomain, the `statefulset.kubernetes.io/pod-name` and
 * `apps.kubernetes.io/pod-index` labels, the `controller-revision-hash` label naming the
 * ControllerRevision it was made from, and the ordinal range `[start, start + replicas)`.
 * Pure.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import type { PersistentVolumeClaim, PersistentVolumeClaimTemplate, Pod, StatefulSet } from '../../api/types.ts'

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name'
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index'
export const REVISION_LABEL = 'controller-revision-hash'

/** Go's `(.*)-([0-9]+)$`: the greedy prefix is the parent, the trailing digits the ordinal. */
const STATEFUL_POD = /^(.*)-([0-9]+)$/
const MAX_INT32 = 2 ** 31 - 1

/** The parent's name and the ordinal of a pod named `<parent>-<n>`; ordinal -1 otherwise. */
export function parentNameAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(pod.metadata.name)
  if (!m) return { parent: '', ordinal: -1 }
  const n = Number(m[2])
  // strconv.ParseInt(s, 10, 32) fails beyond int32: the parent stays, the ordinal does not.
  return { parent: m[1] ?? '', ordinal: Number.isSafeInteger(n) && n <= MAX_INT32 ? n : -1 }
}

export function getOrdinal(pod: Pod): number {
  return parentNameAndOrdinal(pod).ordinal
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0
}

/** The last ordinal of the range; start − 1 when replicas is 0. */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + (set.spec.replicas ?? 1) - 1
}

export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const ordinal = getOrdinal(pod)
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set)
}

/** Whether `pod`'s name makes it a member of `set`. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentNameAndOrdinal(pod).parent === set.metadata.name
}

/** Whether `pod` has the name, namespace, hostname, subdomain and identity labels of a member of `set`. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod)
  const labels = pod.metadata.labels ?? {}
  return (
    ordinal >= 0 &&
    set.metadata.name === parent &&
    pod.metadata.name === podName(set, ordinal) &&
    (pod.metadata.namespace ?? 'default') === (set.metadata.namespace ?? 'default') &&
    labels[POD_NAME_LABEL] === pod.metadata.name &&
    (pod.spec.hostname ?? '') === pod.metadata.name &&
    (pod.spec.subdomain ?? '') === (set.spec.serviceName ?? '')
  )
}

/** The identity fields `identityMatches` checks, set on a copy of `pod` (updateIdentity). */
export function withIdentity(set: StatefulSet, pod: Pod): Pod {
  const ordinal = getOrdinal(pod)
  const name = podName(set, ordinal)
  const { subdomain: _drop, ...spec } = pod.spec
  const serviceName = set.spec.serviceName ?? ''
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      name,
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...pod.metadata.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    },
    spec: { ...spec, hostname: name, ...(serviceName ? { subdomain: serviceName } : {}) },
  }
}

/** getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`. */
export function claimName(set: StatefulSet, template: PersistentVolumeClaimTemplate, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`
}

/** storageMatches: every claim template is a volume of the pod naming this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod)
  if (ordinal < 0) return false
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]))
  return (set.spec.volumeClaimTemplates ?? []).every((t) => {
    const source = volumes.get(t.metadata.name)?.persistentVolumeClaim as { claimName?: string } | undefined
    return source?.claimName === claimName(set, t, ordinal)
  })
}

/** updateStorage: the claim volumes first, then the pod's other volumes. */
export function withStorage(set: StatefulSet, pod: Pod): Pod {
  const templates = set.spec.volumeClaimTemplates ?? []
  if (templates.length === 0) return pod
  const ordinal = getOrdinal(pod)
  const names = new Set(templates.map((t) => t.metadata.name))
  const volumes = [
    ...templates.map((t) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: claimName(set, t, ordinal) },
    })),
    ...(pod.spec.volumes ?? []).filter((v) => !names.has(v.name)),
  ]
  return { ...pod, spec: { ...pod.spec, volumes } }
}

/** getPersistentVolumeClaims: this ordinal's claims, labelled with the set's selector, bound at once. */
export function newClaims(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, t, ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...t.metadata.labels, ...set.spec.selector.matchLabels },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: t.spec,
    // A directory needs no provisioner: the claim is bound as it is created.
    status: {
      phase: 'Bound',
      ...(t.spec.accessModes ? { accessModes: t.spec.accessModes } : {}),
      ...(t.spec.resources?.requests?.storage !== undefined
        ? { capacity: { storage: t.spec.resources.requests.storage } }
        : {}),
    },
  }))
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? ''
}

/**
 * The pod of `set` (whose template is the revision's) at `ordinal`: template labels and
 * annotations, a controller reference, the identity, the revision label and the node it is
 * bound to. Its status is Pending, as the API server sets on create.
 */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string, nodeName: string): Pod {
  const template = set.spec.template
  const annotations = template.metadata?.annotations
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(set, ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...template.metadata?.labels, [REVISION_LABEL]: revision },
      ...(annotations ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerRef('apps/v1', 'StatefulSet', set.metadata)],
    },
    spec: { ...template.spec, nodeName },
    status: { phase: 'Pending' },
  }
  return withStorage(set, withIdentity(set, pod))
}

/**
 * newVersionedStatefulSetPod: a missing ordinal is created at the current revision when it is
 * below the partition (or, without a rollingUpdate block, below currentReplicas), else at
 * the update revision. The condition keeps Go's operator precedence: `&&` binds first, so
 * the partition arm applies whatever the strategy type.
 */
export function newVersionedStatefulSetPod(
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
  nodeName: string,
): Pod {
  const strategy = currentSet.spec.updateStrategy
  const start = startOrdinal(currentSet)
  const ru = strategy?.rollingUpdate
  const atCurrent =
    ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      ru === undefined &&
      ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (ru !== undefined && ordinal < start + (ru.partition ?? 0))
  return atCurrent
    ? newStatefulSetPod(currentSet, ordinal, currentRevision, nodeName)
    : newStatefulSetPod(updateSet, ordinal, updateRevision, nodeName)
}
