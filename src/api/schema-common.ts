/**
 * @module
 * Zod building blocks shared by every kind's schema: Kubernetes scalar types, ObjectMeta and
 * LabelSelector. Schemas are strict: a field they do not list is reported as an unknown
 * field, as `kubectl apply` does with server-side strict validation.
 *
 * Schemas check structure only (which fields, which types, which enum values). Ranges,
 * names and cross-field rules live in the validate-*.ts rule files, with Kubernetes' wording.
 * Fields that Kubernetes has but Baton does not act on come in two flavours:
 * `ignored` (accepted, no effect on a single machine: securityContext, tolerations...) and
 * `unsupported(why)` (rejected with the reason, because silently dropping it would change
 * what the workload does: secretKeyRef, volumeClaimTemplates...).
 */
import { z } from 'zod'

/** Go int32/int64: a whole number. */
export const int = z.number().int()
export const str = z.string()
export const bool = z.boolean()
/** intstr.IntOrString: 3 or "25%" (or a port name). */
export const intOrString = z.union([int, z.string()])
export const stringMap = z.record(z.string(), z.string())
export const stringList = z.array(z.string())

/** A Kubernetes field accepted for compatibility that has no effect in Baton. */
export const ignored = z.unknown().meta({ description: 'Accepted for compatibility; it has no effect in Baton.' })

/** A Kubernetes field Baton rejects, with the reason shown to the user (a Forbidden cause). */
export function unsupported(reason: string) {
  return z
    .unknown()
    .superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', message: reason })
    })
    .meta({ description: `Refused by Baton: ${reason}` })
}

export const ownerReference = z.strictObject({
  apiVersion: str,
  kind: str,
  name: str,
  uid: str,
  controller: bool.optional(),
  blockOwnerDeletion: bool.optional(),
})

/**
 * ObjectMeta, including the read-only fields `kubectl get -o yaml` prints (uid,
 * resourceVersion, managedFields...), because users paste such dumps into apply.
 */
export const objectMeta = z.strictObject({
  name: str.optional(),
  generateName: str.optional(),
  namespace: str.optional(),
  uid: str.optional(),
  resourceVersion: str.optional(),
  generation: int.optional(),
  creationTimestamp: str.optional(),
  deletionTimestamp: str.optional(),
  deletionGracePeriodSeconds: int.optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  ownerReferences: z.array(ownerReference).optional(),
  finalizers: stringList.optional(),
  selfLink: ignored.optional(),
  managedFields: ignored.optional(),
})

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const

export const labelSelector = z.strictObject({
  matchLabels: stringMap.optional(),
  matchExpressions: z
    .array(z.strictObject({ key: str, operator: z.enum(LABEL_SELECTOR_OPERATORS), values: stringList.optional() }))
    .optional(),
})

/** `status` is written by controllers; on input it is accepted and ignored. */
export const status = z
  .unknown()
  .meta({ description: "Written by Baton's controllers (kubectl get -o yaml shows it); ignored on input." })
  .optional()
