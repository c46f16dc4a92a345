/**
 * @module
 * Finding a Deployment's ReplicaSets and ordering them (deployment_util.go, controller_utils.go).
 *
 * "New" is the RS whose pod template equals the Deployment's (ignoring pod-template-hash);
 * the oldest such RS wins if several match. Every other owned RS is "old". An RS is "active"
 * while spec.replicas > 0.
 */
import type { Deployment, KObject, ReplicaSet } from '../api/types.ts'
import { REVISION_ANNOTATION, parseRevisionString } from './annotations.ts'
import { rsReplicas } from './spec-defaults.ts'
import { equalIgnoreHash } from './template-hash.ts'
import { parseTimestamp } from '../api/timestamps.ts'

export function isActive(rs: ReplicaSet): boolean {
  return rsReplicas(rs) > 0
}

/** Oldest first; equal creation times fall back to the name. */
export function compareByCreation(a: KObject, b: KObject): number {
  const d = parseTimestamp(a.metadata.creationTimestamp) - parseTimestamp(b.metadata.creationTimestamp)
  if (d !== 0) return d
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0
}

export function sortByCreation<T extends KObject>(items: readonly T[]): T[] {
  return [...items].sort(compareByCreation)
}

/**
 * An object's revision annotation: 0 when absent, undefined when it is not a number
 * (Kubernetes' Revision() error case).
 */
export function revision(obj: KObject): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION]
  return v === undefined ? 0 : parseRevisionString(v)
}

/** The highest readable revision (0 when none). */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0
  for (const rs of rss) {
    const v = revision(rs)
    if (v !== undefined && v > max) max = v
  }
  return max
}

/** Lowest revision first; unreadable or equal revisions fall back to creation order. */
export function compareByRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revision(a)
  const rb = revision(b)
  if (ra === undefined || rb === undefined || ra === rb) return compareByCreation(a, b)
  return ra - rb
}

export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return sortByCreation(rss).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template))
}

/** Old RSs: `all` is every RS but the new one; `active` keeps those with replicas > 0. */
export function findOldReplicaSets(
  d: Deployment,
  rss: readonly ReplicaSet[],
): { active: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rss)
  const all = rss.filter((rs) => rs.metadata.name !== newRS?.metadata.name)
  return { active: all.filter(isActive), all }
}

/** Largest first; equal sizes put the newer RS first (used when scaling up). */
export function compareBySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || compareByCreation(b, a)
}

/** Largest first; equal sizes put the older RS first (used when scaling down). */
export function compareBySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || compareByCreation(a, b)
}

/** Σ spec.replicas. */
export function specReplicaSum(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + rsReplicas(rs), 0)
}

/** Σ status.replicas (live, non-terminating pods). */
export function actualReplicaSum(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0)
}

export function readyReplicaSum(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0)
}

/**
 * Σ status.terminatingReplicas (deployment_util.go GetTerminatingReplicaCountForReplicaSets), or
 * undefined when a set the RS controller has seen does not report it (the feature gate is off,
 * api/feature-gates.ts). A set it has not seen yet (observedGeneration 0) counts as 0.
 */
export function terminatingReplicaSum(rss: readonly ReplicaSet[]): number | undefined {
  let sum = 0
  for (const rs of rss) {
    const terminating = rs.status?.terminatingReplicas
    if (terminating !== undefined) sum += terminating
    else if ((rs.status?.observedGeneration ?? 0) !== 0) return undefined
  }
  return sum
}

export function availableReplicaSum(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0)
}
