/**
 * @module
 * Where a pod's containers read their ConfigMaps and Secrets (both runtimes): from the config
 * snapshot its template names (api/config-snapshot.ts), so the replicas of a revision get the
 * data that revision was made with, even after the live object changed or an undo brought the
 * revision back; from the live objects for a reference the snapshot does not hold (an object
 * that opted out), for a pod without a snapshot, or when the snapshot is gone.
 */
import {
  CONFIG_SNAPSHOT_ANNOTATION,
  type ConfigSnapshot,
  decodeSnapshot,
  snapshotEntry,
} from '../api/config-snapshot.ts'
import type { ConfigMap, Pod, Secret } from '../api/types.ts'
import type { ObjectStore } from '../store/types.ts'

export interface ConfigSource {
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
}

/** The lookups for `pod()`'s containers; the snapshot is read at each lookup (a container start). */
export function podConfigSource(store: Pick<ObjectStore, 'get'>, pod: () => Pod): ConfigSource {
  const snapshot = (namespace: string): ConfigSnapshot | undefined => {
    const name = pod().metadata.annotations?.[CONFIG_SNAPSHOT_ANNOTATION]
    return name === undefined ? undefined : decodeSnapshot(store.get('Secret', namespace, name))
  }
  return {
    configMap(namespace, name) {
      const s = snapshot(namespace)
      const entry = s ? snapshotEntry(s, { kind: 'configmap', name }) : 'live'
      if (entry === 'live') return store.get('ConfigMap', namespace, name)
      if (entry === null) return undefined
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: entry.data }
    },
    secret(namespace, name) {
      const s = snapshot(namespace)
      const entry = s ? snapshotEntry(s, { kind: 'secret', name }) : 'live'
      if (entry === 'live') return store.get('Secret', namespace, name)
      if (entry === null) return undefined
      return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: entry.data }
    },
  }
}
