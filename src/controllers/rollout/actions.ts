/**
 * @module
 * What the Rollout planner asks for; reconcile.ts applies them in order through the store.
 */
import type { AnalysisRun, ReplicaSet, RolloutStatus } from '../../api/types.ts'

export type RolloutAction =
  /** Create this ReplicaSet exactly as given (`<rollout>-<pod-template-hash>`). */
  | { type: 'createReplicaSet'; replicaSet: ReplicaSet }
  /** Resize a ReplicaSet the Rollout controls. */
  | { type: 'scaleReplicaSet'; name: string; replicas: number }
  /** Set annotations on a ReplicaSet (its revision, raised when an old one becomes the canary again). */
  | { type: 'annotateReplicaSet'; name: string; annotations: Record<string, string> }
  /** Point a canaryService / stableService at one revision (its selector plus rollouts-pod-template-hash). */
  | { type: 'setServiceSelector'; service: string; selector: Record<string, string> }
  /** Create this AnalysisRun (an analysis step's or the background one). */
  | { type: 'createAnalysisRun'; run: AnalysisRun }
  /** Ask an AnalysisRun to stop measuring (spec.terminate). */
  | { type: 'terminateAnalysisRun'; name: string }
  /** Write the Rollout's status (only emitted when it differs from the stored one). */
  | { type: 'updateStatus'; status: RolloutStatus }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  /** Sync again after `afterMs` (a timed pause, the abort's scale-down delay). */
  | { type: 'requeue'; afterMs: number }
