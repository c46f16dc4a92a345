/**
 * @module
 * Which ReplicaSets and Pods belong to which owner, and which ReplicaSet of a Deployment is
 * the new one, as the describers need it. Ownership is by controller ownerReference uid;
 * the new ReplicaSet is the one whose pod template equals the Deployment's when the
 * `pod-template-hash` label is ignored on both sides (Kubernetes' EqualIgnoreHash),
 * the oldest on ties.
 */
import type { Deployment, KObject, PodTemplateSpec, ReplicaSet } from '../../api/types.ts'

export function isControlledBy(obj: KObject, owner: KObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === owner.metadata.uid)
}

function withoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...t.metadata?.labels }
  delete labels['pod-template-hash']
  return { ...t, metadata: { ...t.metadata, labels } }
}

/** JSON with object keys sorted, so that equal templates compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  )
}

export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonical(withoutHash(a)) === canonical(withoutHash(b))
}

export interface DeploymentReplicaSets {
  newRS: ReplicaSet | undefined
  /** Old ReplicaSets that still have replicas (spec.replicas > 0), as describe lists them. */
  oldRSs: ReplicaSet[]
  /** Every owned ReplicaSet, oldest first. */
  all: ReplicaSet[]
}

export function deploymentReplicaSets(d: Deployment, replicaSets: readonly ReplicaSet[]): DeploymentReplicaSets {
  const all = replicaSets
    .filter((rs) => isControlledBy(rs, d))
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))
  const newRS = all.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template))
  const oldRSs = all.filter((rs) => rs !== newRS && (rs.spec.replicas ?? 0) > 0)
  return { newRS, oldRSs, all }
}
