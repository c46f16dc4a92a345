/**
 * @module
 * Owner references (apimachinery's metav1.GetControllerOf / IsControlledBy): which object
 * controls another. The reconciler's cache indexes by it and every controller asks it.
 */
import type { KObject, OwnerReference } from './types.ts'

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
