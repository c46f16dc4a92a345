/**
 * @module
 * Admission: what every written object goes through before the store sees it. validateObject
 * judges the object as it will run and hands back exactly that object, defaults filled in,
 * which is what is stored. A pod spec (a Pod's or a workload's template) that asks for
 * something its runtime does not do is refused here rather than stored and silently not
 * honoured (api/process-runtime-support.ts for processes, api/docker-runtime-support.ts for
 * containers), and a pod that names a RuntimeClass the node does not run is refused
 * (api/runtime-class.ts). An update is also checked against the stored object: what may not
 * change (api/validate-update.ts).
 */
import { admissionWarnings } from '../api/admission-warnings.ts'
import { dockerRuntimeErrors } from '../api/docker-runtime-support.ts'
import { type FieldError, invalidObjectError } from '../api/field-errors.ts'
import { podSpecOf, processRuntimeErrors } from '../api/process-runtime-support.ts'
import { type NodeRuntimes, PROCESS_ONLY, podRuntime, runtimeClassErrors } from '../api/runtime-class.ts'
import type { AnyObject, Pod } from '../api/types.ts'
import { validateObject } from '../api/validate.ts'
import { validateUpdate } from '../api/validate-update.ts'
import type { ArtifactStore } from '../artifacts/types.ts'
import type { ObjectStore } from '../store/types.ts'

export function admit<T extends AnyObject>(obj: T, runtimes: NodeRuntimes = PROCESS_ONLY): T {
  const valid = validateObject(obj) as T
  const unsupported = [...podSpecErrors(valid, runtimes), ...jobPodErrors(valid, runtimes)]
  if (unsupported.length > 0) throw invalidObjectError(valid.kind, valid.metadata.name ?? '', unsupported)
  return valid
}

/** What the runtime that would run `obj`'s pods (a Pod's, or a workload template's) does not honour. */
function podSpecErrors(obj: AnyObject, runtimes: NodeRuntimes): FieldError[] {
  const runtimeErrors =
    runsOn(obj, runtimes) === 'docker'
      ? dockerRuntimeErrors
      : (o: unknown) => processRuntimeErrors(o, { mounts: runtimes.processMounts === true })
  return [...runtimeClassErrors(obj, runtimes), ...runtimeErrors(obj)]
}

/**
 * A job metric's pod template is judged as the Pod it becomes (one per attempt, on this node's
 * runtime), with the errors' fields under the metric: a Job asking for what its runtime does
 * not do is refused at apply, not when a measurement would start it.
 */
function jobPodErrors(obj: AnyObject, runtimes: NodeRuntimes): FieldError[] {
  if (obj.kind !== 'AnalysisTemplate' && obj.kind !== 'AnalysisRun') return []
  return obj.spec.metrics.flatMap((m, i) => {
    const spec = m.provider.job?.spec.template.spec
    if (!spec) return []
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: obj.metadata.name }, spec } as Pod
    const base = `spec.metrics[${i}].provider.job.spec.template.spec`
    return podSpecErrors(pod, runtimes).map((e) => ({ ...e, field: `${base}${e.field.slice('spec'.length)}` }))
  })
}

/** Throws BATON_INVALID when an update changes what may not change (api/validate-update.ts); both objects admitted. */
export function checkUpdate(obj: AnyObject, previous: AnyObject): void {
  const errs = validateUpdate(obj, withTodaysDefaults(previous))
  if (errs.length > 0) throw invalidObjectError(obj.kind, obj.metadata.name ?? '', errs)
}

/**
 * The stored object with the defaults admission fills today: one stored by an older Baton may
 * lack a default added since, which is not a change the update makes. As stored when it no
 * longer validates.
 */
function withTodaysDefaults(stored: AnyObject): AnyObject {
  try {
    return validateObject(structuredClone(stored)) as AnyObject
  } catch {
    return stored
  }
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
  const found = podSpecOf(obj as unknown as Record<string, unknown>)
  return found ? podRuntime(found[0], runtimes.default) : undefined
}
