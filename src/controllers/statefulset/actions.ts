/**
 * @module
 * What the StatefulSet planner asks for. `plan.ts` returns these; `reconcile.ts` applies them
 * in order through the store (compare-and-swap) and records the events Kubernetes'
 * StatefulPodControl records for each pod write.
 */
import type {
  ControllerRevision,
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  StatefulSetStatus,
} from '../../api/types.ts'

export type StatefulSetAction =
  /** Create this ControllerRevision (the update revision, new to the history). */
  | { type: 'createRevision'; revision: ControllerRevision }
  /** Give an existing revision a new number: a rollback to an equal template. */
  | { type: 'renumberRevision'; name: string; revision: number }
  /** Create a claim of a volumeClaimTemplate for `pod` (before the pod). */
  | { type: 'createClaim'; claim: PersistentVolumeClaim; pod: string }
  /** Set a claim's owners as persistentVolumeClaimRetentionPolicy wants them. */
  | { type: 'updateClaimOwners'; name: string; ownerReferences: OwnerReference[]; pod: string }
  /** Create this pod; its name is its identity (`<set>-<ordinal>`). */
  | { type: 'createPod'; pod: Pod }
  /** Fix a member's identity fields (labels, hostname, subdomain). */
  | { type: 'updatePod'; pod: Pod }
  /** Delete a pod: failed, condemned by a scale-down, or of an old revision in a rolling update. */
  | { type: 'deletePod'; name: string; why: 'failed' | 'scale' | 'update' | 'recover' }
  /** Write the StatefulSet's status (only emitted when it differs from the stored one). */
  | { type: 'updateStatus'; status: StatefulSetStatus }
  /** Delete a revision beyond revisionHistoryLimit. */
  | { type: 'deleteRevision'; name: string }
  /** Record an Event on the StatefulSet. */
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  /** Sync again after `afterMs` (minReadySeconds: availability changes with time alone). */
  | { type: 'requeue'; afterMs: number }
