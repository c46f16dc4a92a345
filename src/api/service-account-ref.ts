/**
 * @module
 * The service account a pod names must exist in its namespace, or be "default" (which Baton
 * does not keep as an object), as kube-apiserver's ServiceAccount admission plugin demands.
 * Baton issues no identity or token for it: nothing is mounted into a replica (docs/helm.md).
 * Judged on the written object, for a Pod and for a workload's pod template alike, so a name
 * that exists nowhere is refused when it is applied rather than when a pod is made. Pure.
 */
import { type FieldError, at, forbidden } from './field-errors.ts'
import { isRec } from './guards.ts'
import { podSpecOf } from './process-runtime-support.ts'

/** The one account every namespace has without an object for it. */
export const DEFAULT_SERVICE_ACCOUNT = 'default'

/** `serviceAccountName` (and the deprecated `serviceAccount`) naming no ServiceAccount of the namespace. */
export function serviceAccountErrors(obj: unknown, exists: (namespace: string, name: string) => boolean): FieldError[] {
  if (!isRec(obj)) return []
  const found = podSpecOf(obj)
  if (!found) return []
  const [spec, path] = found
  const namespace =
    (isRec(obj.metadata) && typeof obj.metadata.namespace === 'string' && obj.metadata.namespace) || 'default'
  const errs: FieldError[] = []
  for (const field of ['serviceAccountName', 'serviceAccount']) {
    const name = spec[field]
    if (typeof name !== 'string' || name === '' || name === DEFAULT_SERVICE_ACCOUNT || exists(namespace, name)) continue
    errs.push(
      forbidden(
        at(path, field),
        `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
        `Create the ServiceAccount first (kubectl create serviceaccount ${name} -n ${namespace}), or use "default".`,
      ),
    )
  }
  return errs
}
