/**
 * @module
 * Owner references (apimachinery's metav1.GetControllerOf / IsControlledBy): which object
 * controls another. The reconciler's cache indexes by it and every controller asks it.
 */
import type { KObject, ObjectMeta, OwnerReference } from './types.ts'

export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true)
}

/** True if `obj`'s controller reference points at `owner` (by uid; by kind+name when uids are absent). */
export function isControlledBy(obj: KObject, owner: KObject): boolean {
  const ref = controllerOf(obj)
  if (!ref || ref.kind !== owner.kind) return false
  if (ref.uid && owner.metadata.uid) return ref.uid === owner.metadata.uid
  return ref.name === owner.metadata.name
}

/** The reference that makes `owner` (of `apiVersion` and `kind`) the controller of what carries it (metav1.NewControllerRef). */
export function controllerRef(apiVersion: string, kind: string, owner: ObjectMeta): Required<OwnerReference> {
  return { apiVersion, kind, name: owner.name, uid: owner.uid ?? '', controller: true, blockOwnerDeletion: true }
}
