/**
 * @module
 * A pod worker's writes to its Pod object, the same for every runtime: the status,
 * compare-and-swap on the latest version (retried on a conflict, skipped when unchanged), and
 * the object's removal once its containers are gone. A Pod of the same name but another uid is
 * someone else's and is never touched.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Pod, PodStatus } from '../api/types.ts'
import { isBatonError } from '../errors/baton-error.ts'
import type { Logger } from '../platform/logger.ts'
import type { ObjectStore } from '../store/types.ts'

const STATUS_WRITE_ATTEMPTS = 5

/** Which Pod object a worker owns. */
export interface PodRef {
  namespace: string
  name: string
  uid: string
}

export function podRef(pod: Pod): PodRef {
  return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid ?? '' }
}

/**
 * Writes the status `build` makes of the latest version of the pod. Returns the newest version
 * seen (written, or read), or undefined when the pod is gone or is another one.
 */
export function writePodStatus(
  store: ObjectStore,
  ref: PodRef,
  build: (pod: Pod) => PodStatus,
  log: Logger,
): Pod | undefined {
  let latest: Pod | undefined
  for (let attempt = 0; attempt < STATUS_WRITE_ATTEMPTS; attempt++) {
    const pod = store.get('Pod', ref.namespace, ref.name)
    if (!pod || pod.metadata.uid !== ref.uid) return latest
    latest = pod
    const status = build(pod)
    if (isDeepStrictEqual(pod.status, status)) return pod
    try {
      return store.updateStatus<'Pod'>({ ...pod, status })
    } catch (err) {
      if (isBatonError(err) && err.code === 'BATON_CONFLICT') continue
      if (!isBatonError(err) || err.code !== 'BATON_NOT_FOUND') log.error('pod status not written', { err })
      return pod
    }
  }
  return latest
}

/** Deletes the Pod object (grace 0: its containers are gone) if it is still this one. */
export function deletePodObject(store: ObjectStore, ref: PodRef): void {
  if (store.get('Pod', ref.namespace, ref.name)?.metadata.uid !== ref.uid) return
  try {
    store.delete('Pod', ref.namespace, ref.name, { gracePeriodSeconds: 0 })
  } catch (err) {
    if (!isBatonError(err) || err.code !== 'BATON_NOT_FOUND') throw err
  }
}
