/**
 * @module
 * Admission: what every written object goes through before the store sees it. validateObject
 * judges the object as it will run and hands back exactly that object, defaults filled in,
 * which is what is stored. The node runs pods with the process runtime, so a pod spec (a Pod's
 * or a workload's template) that asks for something that runtime does not do is refused here
 * rather than stored and silently not honoured (api/process-runtime-support.ts), and a pod that
 * names a RuntimeClass the node does not run is refused (api/runtime-class.ts).
 */
import { admissionWarnings } from '../api/admission-warnings.ts'
import { invalidObjectError } from '../api/field-errors.ts'
import { processRuntimeErrors } from '../api/process-runtime-support.ts'
import { type NodeRuntimes, PROCESS_ONLY, podRuntime, runtimeClassErrors } from '../api/runtime-class.ts'
import type { AnyObject } from '../api/types.ts'
import { validateObject } from '../api/validate.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { ObjectStore } from '../store/types.ts'

export function admit<T extends AnyObject>(obj: T, runtimes: NodeRuntimes = PROCESS_ONLY): T {
  const valid = validateObject(obj) as T
  const unsupported = [...runtimeClassErrors(valid, runtimes), ...processRuntimeErrors(valid)]
  if (unsupported.length > 0) throw invalidObjectError(valid.kind, valid.metadata.name ?? '', unsupported)
  return valid
}

/** What admission warns about for an admitted object (api/admission-warnings.ts), from the store's view of its namespace. */
export function warningsFor(
  obj: AnyObject,
  deps: {
    store: ObjectStore
    artifacts?: Pick<ArtifactStore, 'resolve'> | undefined
    runtimes?: NodeRuntimes | undefined
  },
): string[] {
  const namespace = obj.metadata.namespace ?? 'default'
  // Only the process runtime runs pushed artifacts; the Docker runtime pulls images.
  const artifacts = runsOn(obj, deps.runtimes ?? PROCESS_ONLY) === 'process' ? deps.artifacts : undefined
  return admissionWarnings(obj, {
    ...(artifacts
      ? {
          hasArtifact: (image: string) => artifacts.resolve(image) !== undefined,
          defaultCommand: (image: string) => artifacts.resolve(image)?.cmd,
        }
      : {}),
    services: deps.store.list('Service', { namespace }).items,
    deployments: deps.store.list('Deployment', { namespace }).items,
  })
}

/** The runtime an object's pods run on (a Pod's, or a workload's template's); undefined for other kinds. */
function runsOn(obj: AnyObject, runtimes: NodeRuntimes): string | undefined {
  const spec =
    obj.kind === 'Pod'
      ? obj.spec
      : obj.kind === 'Deployment' || obj.kind === 'ReplicaSet' || obj.kind === 'StatefulSet'
        ? obj.spec.template.spec
        : undefined
  return spec ? podRuntime(spec, runtimes.default) : undefined
}
