/**
 * @module
 * What an update may change, as kube-apiserver's update validation decides it (pure): both
 * objects are the admitted ones (defaults filled), the old one as stored.
 *
 * - every kind: `metadata.name` and `metadata.namespace` are immutable (ValidateObjectMetaUpdate);
 * - StatefulSet: ValidateStatefulSetUpdate. Only `replicas`, `ordinals`, `template`,
 *   `updateStrategy`, `revisionHistoryLimit`, `persistentVolumeClaimRetentionPolicy` and
 *   `minReadySeconds` may change; a change to anything else of the spec (`selector`,
 *   `serviceName`, `volumeClaimTemplates`, `podManagementPolicy`) is one Forbidden error on
 *   `spec`, with upstream's words. The comparison is upstream's semantic equality: an empty
 *   list or map equals an absent one.
 * - Deployment, ReplicaSet: `spec.selector` is immutable, as the apps/v1 strategies' ValidateUpdate
 *   has it (ValidateImmutableField): the controller would otherwise orphan the pods it selects.
 * - Service: `spec.clusterIP` is immutable (ValidateServiceUpdate): a Service stays headless
 *   (`None`) or load-balanced (unset) for its life; an unset value and "" are the same.
 */
import { type FieldError, forbidden, invalid } from './field-errors.ts'
import type { AnyObject, Service, StatefulSet, StatefulSetSpec } from './types.ts'

const IMMUTABLE = 'field is immutable'

/** The StatefulSet spec fields an update may change (upstream's list, in its order). */
export const STATEFULSET_MUTABLE_FIELDS = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
] as const satisfies ReadonlyArray<keyof StatefulSetSpec>

export const STATEFULSET_SPEC_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

const STATEFULSET_HINT =
  'To change selector, serviceName, volumeClaimTemplates or podManagementPolicy, delete the StatefulSet with ' +
  '--cascade=orphan (its pods and claims stay) and create it again with the new spec.'

const SELECTOR_HINT =
  'The selector cannot change: create a new object with the new selector and labels, then delete this one.'

const CLUSTER_IP_HINT =
  'A Service cannot switch between headless (clusterIP: None) and load-balanced (clusterIP unset): ' +
  'keep clusterIP as stored, or delete the Service and create it again.'

export function validateUpdate(obj: AnyObject, old: AnyObject): FieldError[] {
  const errs: FieldError[] = []
  if (obj.metadata.name !== old.metadata.name) errs.push(invalid('metadata.name', obj.metadata.name, IMMUTABLE))
  if ((obj.metadata.namespace ?? 'default') !== (old.metadata.namespace ?? 'default'))
    errs.push(invalid('metadata.namespace', obj.metadata.namespace, IMMUTABLE))
  if (obj.kind === 'StatefulSet' && old.kind === 'StatefulSet') errs.push(...statefulSetUpdateErrors(obj, old))
  if ((obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') && old.kind === obj.kind)
    errs.push(...immutable('spec.selector', obj.spec?.selector, old.spec?.selector, SELECTOR_HINT))
  if (obj.kind === 'Service' && old.kind === 'Service') errs.push(...clusterIPUpdateErrors(obj, old))
  return errs
}

/** ValidateImmutableField: one Invalid error naming the new value when it differs semantically from the old. */
function immutable(field: string, value: unknown, previous: unknown, hint: string): FieldError[] {
  return semanticJson(value) === semanticJson(previous) ? [] : [invalid(field, value, IMMUTABLE, hint)]
}

function clusterIPUpdateErrors(obj: Service, old: Service): FieldError[] {
  const clusterIP = (svc: Service): string => svc.spec?.clusterIP ?? ''
  return clusterIP(obj) === clusterIP(old)
    ? []
    : [invalid('spec.clusterIP', clusterIP(obj), IMMUTABLE, CLUSTER_IP_HINT)]
}

function statefulSetUpdateErrors(obj: StatefulSet, old: StatefulSet): FieldError[] {
  const rest = (spec: StatefulSetSpec | undefined): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...spec }
    for (const f of STATEFULSET_MUTABLE_FIELDS) delete copy[f]
    return copy
  }
  return semanticJson(rest(obj.spec)) === semanticJson(rest(old.spec))
    ? []
    : [forbidden('spec', STATEFULSET_SPEC_FORBIDDEN, STATEFULSET_HINT)]
}

/** JSON with sorted keys, where an empty list or map (or undefined) is the same as none. */
export function semanticJson(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null'
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = normalize((value as Record<string, unknown>)[key])
    if (v !== undefined) out[key] = v
  }
  return Object.keys(out).length === 0 ? undefined : out
}
