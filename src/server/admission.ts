/**
 * @module
 * Admission: what every written object goes through before the store sees it. validateObject
 * judges the object as it will run and hands back exactly that object, defaults filled in,
 * which is what is stored. The node runs pods with the process runtime, so a pod spec (a Pod's
 * or a workload's template) that asks for something that runtime does not do is refused here
 * rather than stored and silently not honoured (api/process-runtime-support.ts).
 */
import { admissionWarnings } from '../api/admission-warnings.ts'
import { invalidObjectError } from '../api/field-errors.ts'
import { processRuntimeErrors } from '../api/process-runtime-support.ts'
import type { AnyObject } from '../api/types.ts'
import { validateObject } from '../api/validate.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { ObjectStore } from '../store/types.ts'

export function admit<T extends AnyObject>(obj: T): T {
  const valid = validateObject(obj) as T
  const unsupported = processRuntimeErrors(valid)
  if (unsupported.length > 0) throw invalidObjectError(valid.kind, valid.metadata.name ?? '', unsupported)
  return valid
}

/** What admission warns about for an admitted object (api/admission-warnings.ts), from the store's view of its namespace. */
export function warningsFor(
  obj: AnyObject,
  deps: { store: ObjectStore; artifacts?: Pick<ArtifactStore, 'resolve'> | undefined },
): string[] {
  const namespace = obj.metadata.namespace ?? 'default'
  const artifacts = deps.artifacts
  return admissionWarnings(obj, {
    ...(artifacts ? { hasArtifact: (image: string) => artifacts.resolve(image) !== undefined } : {}),
    services: deps.store.list('Service', { namespace }).items,
    deployments: deps.store.list('Deployment', { namespace }).items,
  })
}
