/**
 * @module
 * Which user a container runs as, from `securityContext.runAsUser`, `runAsGroup` and
 * `runAsNonRoot` of the pod and of the container (the container's win, field by field, as in
 * Kubernetes). The process runtime honours these and refuses every other securityContext field
 * (api/process-runtime-support.ts).
 */
import { isInt, isRec } from './guards.ts'

/** The securityContext fields the process runtime honours. */
export const RUN_AS_FIELDS = ['runAsUser', 'runAsGroup', 'runAsNonRoot'] as const

export interface RunAs {
  uid?: number
  gid?: number
  nonRoot: boolean
}

export function runAsOf(podContext: unknown, containerContext: unknown): RunAs {
  const pick = (field: (typeof RUN_AS_FIELDS)[number]): unknown => {
    const c = isRec(containerContext) ? containerContext[field] : undefined
    return c !== undefined ? c : isRec(podContext) ? podContext[field] : undefined
  }
  const uid = pick('runAsUser')
  const gid = pick('runAsGroup')
  return { ...(isInt(uid) ? { uid } : {}), ...(isInt(gid) ? { gid } : {}), nonRoot: pick('runAsNonRoot') === true }
}

/**
 * Why the container may not start as `runAs` when the runtime's own user is `processUid`;
 * undefined when it may. With runAsNonRoot and no runAsUser, the "image's user" is the
 * runtime's, as a process has no image to name one.
 */
export function runAsProblem(runAs: RunAs, processUid: number): string | undefined {
  if (runAs.nonRoot && (runAs.uid ?? processUid) === 0) return 'container has runAsNonRoot and image will run as root'
  return undefined
}
