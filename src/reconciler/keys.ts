/**
 * @module
 * Work-queue keys. A key is `<namespace>/<name>` (client-go's
 * MetaNamespaceKey); the kind is implied by the controller that owns the queue.
 */
import type { KObject } from '../api/types.ts'

export function objectKey(obj: KObject): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`
}

export function parseKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/')
  return slash < 0
    ? { namespace: 'default', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) }
}
