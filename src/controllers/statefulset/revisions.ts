/**
 * @module
 * A StatefulSet's ControllerRevisions (pkg/controller/history and stateful_set_utils.go):
 * each holds the patch `{"spec":{"template":{…,"$patch":"replace"}}}` that restores one pod
 * template. Its name is `<set>-<hash>`: FNV-32 (not 32a) of the data, then the collision count
 * written as decimal digits, through the vowel-free alphabet; the `controller-revision-hash`
 * label carries the hash. Kubernetes hashes the data's JSON bytes as Go encodes them; Baton
 * hashes canonical JSON (sorted keys, empty values dropped), so equal templates hash equal
 * whatever their key order, but the hash differs from a real cluster's. Pure.
 */
import { controllerRef } from '../../api/owner-refs.ts'
import type { ControllerRevision, PodTemplateSpec, StatefulSet } from '../../api/types.ts'
import { canonicalJson, FNV_OFFSET, FNV_PRIME, safeEncodeString } from '../../rollout/template-hash.ts'
import { REVISION_LABEL } from './identity.ts'

/** ControllerRevisionName cuts the parent's name to 223 characters. */
const MAX_PREFIX = 223

/** hash/fnv New32: multiply, then xor (FNV-1). */
export function fnv32(bytes: Uint8Array, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0
  for (const b of bytes) {
    h = Math.imul(h, FNV_PRIME) >>> 0
    h = (h ^ b) >>> 0
  }
  return h
}

export interface RevisionData {
  spec: { template: PodTemplateSpec & { $patch: 'replace' } }
}

/** getPatch: the part of the set a revision restores. */
export function revisionData(set: StatefulSet): RevisionData {
  return { spec: { template: { ...set.spec.template, $patch: 'replace' } } }
}

export function hashRevision(data: unknown, collisionCount?: number): string {
  const enc = new TextEncoder()
  let h = fnv32(enc.encode(canonicalJson(data)))
  if (collisionCount !== undefined) h = fnv32(enc.encode(String(collisionCount)), h)
  return safeEncodeString(String(h))
}

export function revisionName(parent: string, hash: string): string {
  return `${parent.length > MAX_PREFIX ? parent.slice(0, MAX_PREFIX) : parent}-${hash}`
}

/**
 * newRevision (history.NewControllerRevision): template labels plus the hash label, the set's
 * annotations (so `rollout history` finds kubernetes.io/change-cause), owned by the set.
 */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set)
  const hash = hashRevision(data, collisionCount)
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(set.metadata.name, hash),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...set.spec.template.metadata?.labels, [REVISION_LABEL]: hash },
      ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
      ownerReferences: [controllerRef('apps/v1', 'StatefulSet', set.metadata)],
    },
    data,
    revision,
  }
}

/** ApplyRevision: `set` with the revision's pod template. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  const data = revision.data as Partial<RevisionData> | undefined
  const stored = data?.spec?.template
  if (!stored) return set
  const { $patch: _replace, ...template } = stored
  return { ...set, spec: { ...set.spec, template } }
}

/**
 * history.EqualRevision: hash labels that both parse as int32 and differ make two revisions
 * different; otherwise their data decides.
 */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  const ha = intLabel(a)
  const hb = intLabel(b)
  if (ha !== undefined && hb !== undefined && ha !== hb) return false
  return canonicalJson(a.data) === canonicalJson(b.data)
}

function intLabel(r: ControllerRevision): number | undefined {
  const s = r.metadata.labels?.[REVISION_LABEL]
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined
  const n = Number(s)
  return n >= -(2 ** 31) && n < 2 ** 31 ? n >>> 0 : undefined
}

export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision) {
  return revisions.filter((r) => equalRevision(r, needle))
}

/** history.SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort(
    (a, b) =>
      a.revision - b.revision ||
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  )
}

/** One more than the highest revision; 1 for none. Expects `sorted` sorted. */
export function nextRevision(sorted: readonly ControllerRevision[]): number {
  const last = sorted[sorted.length - 1]
  return last === undefined ? 1 : last.revision + 1
}
