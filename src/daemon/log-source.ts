/**
 * @module
 * `baton logs` on the daemon's side: a pod's log files live in its directory under the data
 * dir (runtime/process/adoption.ts), keyed by the pod's uid; a container of the Docker runtime
 * (its containerID docker://…) is read through the engine's log API.
 */
import { readLogs } from '../logs/read-logs.ts'
import type { ContainerLogOptions } from '../runtime/docker/container-logs.ts'
import { podDir } from '../runtime/process/adoption.ts'
import type { LogSource } from '../server/ports.ts'
import type { ObjectStore } from '../store/types.ts'
import { BatonError } from '../errors/baton-error.ts'

/** A container of the Docker runtime's log, read through its engine (docker-node.ts: loaded on a Docker node only). */
export type DockerLogs = (
  where: { uid: string; pod: string; container: string },
  opts: ContainerLogOptions,
) => AsyncIterable<string>

export function podLogSource(store: ObjectStore, dataDir: string, dockerLogs?: DockerLogs): LogSource {
  return {
    read(namespace, pod, container, opts) {
      const obj = store.get('Pod', namespace, pod)
      const uid = obj?.metadata.uid
      if (!uid) {
        throw new BatonError('BATON_NOT_FOUND', `pods "${pod}" not found`, { hint: 'List pods with `baton get pods`' })
      }
      const status = obj.status?.containerStatuses?.find((c) => c.name === container)
      if (dockerLogs && status?.containerID?.startsWith('docker://')) {
        return dockerLogs({ uid, pod, container }, opts)
      }
      return readLogs(podDir(dataDir, uid), container, {
        ...(opts.follow !== undefined ? { follow: opts.follow } : {}),
        ...(opts.previous !== undefined ? { previous: opts.previous } : {}),
        ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
        ...(opts.timestamps !== undefined ? { timestamps: opts.timestamps } : {}),
        ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      })
    },
  }
}
