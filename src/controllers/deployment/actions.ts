/**
 * @module
 * What the deployment planner asks for. `plan.ts` returns these; `reconcile.ts` applies them
 * in order through the store (compare-and-swap) and records the events. The planner never
 * touches the store, so its tests assert on these values alone.
 */
import type { DeploymentStatus, ReplicaSet } from '../../api/types.ts'

export type DeploymentAction =
  /** Create this ReplicaSet exactly as given (deterministic name `<deployment>-<hash>`). */
  | { type: 'createReplicaSet'; replicaSet: ReplicaSet }
  /**
   * Resize a ReplicaSet and set the given annotations on it (desired-replicas, max-replicas,
   * revision…). The planner also emits the matching ScalingReplicaSet event.
   */
  | { type: 'scaleReplicaSet'; name: string; replicas: number; annotations: Record<string, string> }
  /** Update a ReplicaSet's annotations and minReadySeconds without resizing it (revision sync). */
  | { type: 'updateReplicaSet'; name: string; annotations: Record<string, string>; minReadySeconds?: number }
  /** Delete an old ReplicaSet (revisionHistoryLimit clean-up). */
  | { type: 'deleteReplicaSet'; name: string }
  /** Set annotations on the Deployment itself (deployment.kubernetes.io/revision). */
  | { type: 'updateDeploymentAnnotations'; annotations: Record<string, string> }
  /** Write the Deployment's status (only emitted when it differs from the stored one). */
  | { type: 'updateDeploymentStatus'; status: DeploymentStatus }
  /** Record an Event on the Deployment, in Kubernetes' words. */
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  /** Sync this Deployment again after `afterMs` even if nothing changes (progress deadline). */
  | { type: 'requeue'; afterMs: number }
