/**
 * @module
 * The strict zod schema of Argo Rollouts' `Rollout` (argoproj.io/v1alpha1), structure only.
 * Every Argo field Baton does not act on is listed as `unsupported(why)`, so applying a manifest
 * that uses one names its path and the reason instead of storing a rollout that would behave
 * differently than Argo's (docs/rollouts.md has the table).
 */
import { z } from 'zod'
import { bool, int, intOrString, labelSelector, objectMeta, status, str, unsupported } from './schema-common.ts'
import { podTemplate } from './schema-pod.ts'
import { rolloutAnalysisArg } from './schema-analysis.ts'

const NO_ROUTER = "Baton's own load balancer is the traffic router and applies setWeight exactly; remove trafficRouting"

const analysisRef = z.strictObject({
  templates: z.array(
    z.strictObject({
      templateName: str,
      clusterScope: unsupported(
        'Baton has no ClusterAnalysisTemplates; apply an AnalysisTemplate in the namespace',
      ).optional(),
    }),
  ),
  args: z.array(rolloutAnalysisArg).optional(),
  dryRun: unsupported('Baton has no dry-run metrics: a metric it runs counts').optional(),
  measurementRetention: unsupported('Baton keeps the last 10 measurements of each metric').optional(),
  analysisRunMetadata: unsupported('Baton does not label AnalysisRuns apart').optional(),
})

const step = z.strictObject({
  setWeight: int.optional(),
  pause: z.strictObject({ duration: intOrString.optional() }).optional(),
  analysis: analysisRef.optional(),
  experiment: unsupported('Baton does not run experiments').optional(),
  setCanaryScale: unsupported('Baton sizes the canary from setWeight; remove setCanaryScale').optional(),
  setHeaderRoute: z
    .strictObject({
      name: str,
      match: z
        .array(
          z.strictObject({
            headerName: str,
            headerValue: z.strictObject({ exact: str.optional(), prefix: str.optional(), regex: str.optional() }),
          }),
        )
        .optional(),
    })
    .optional(),
  setMirrorRoute: unsupported('Baton does not mirror traffic').optional(),
  plugin: unsupported('Baton runs no step plugins').optional(),
})

const canary = z.strictObject({
  steps: z.array(step).optional(),
  maxSurge: intOrString.optional(),
  maxUnavailable: intOrString.optional(),
  canaryService: str.optional(),
  stableService: str.optional(),
  abortScaleDownDelaySeconds: int.optional(),
  dynamicStableScale: bool.optional(),
  trafficRouting: unsupported(NO_ROUTER).optional(),
  analysis: analysisRef.extend({ startingStep: int.optional() }).optional(),
  antiAffinity: unsupported('Baton runs on one machine: there are no nodes to spread over').optional(),
  canaryMetadata: unsupported('Baton does not label canary pods apart yet').optional(),
  stableMetadata: unsupported('Baton does not label stable pods apart yet').optional(),
  scaleDownDelaySeconds: unsupported('Baton scales the old stable down once the canary is promoted').optional(),
  scaleDownDelayRevisionLimit: unsupported('Baton keeps no old ReplicaSet scaled up').optional(),
  pingPong: unsupported('pingPong needs a cloud load balancer; Baton routes by revision').optional(),
  minPodsPerReplicaSet: unsupported('Baton sizes the canary from setWeight (at least one pod)').optional(),
  replicaProgressThreshold: unsupported('Baton waits for every canary pod to be available').optional(),
})

const blueGreen = z.strictObject({
  activeService: str.optional(),
  previewService: str.optional(),
  autoPromotionEnabled: bool.optional(),
  autoPromotionSeconds: int.optional(),
  scaleDownDelaySeconds: int.optional(),
  previewReplicaCount: int.optional(),
  abortScaleDownDelaySeconds: int.optional(),
  prePromotionAnalysis: analysisRef.optional(),
  postPromotionAnalysis: analysisRef.optional(),
  antiAffinity: unsupported('Baton runs on one machine: there are no nodes to spread over').optional(),
  previewMetadata: unsupported('Baton does not label preview pods apart yet').optional(),
  activeMetadata: unsupported('Baton does not label active pods apart yet').optional(),
  scaleDownDelayRevisionLimit: unsupported('Baton keeps only the previous revision up').optional(),
  maxUnavailable: unsupported('Baton scales the previous revision down at once after scaleDownDelaySeconds').optional(),
})

export const rollout = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: objectMeta.optional(),
  spec: z
    .strictObject({
      replicas: int.optional(),
      selector: labelSelector.optional(),
      template: podTemplate.optional(),
      minReadySeconds: int.optional(),
      revisionHistoryLimit: int.optional(),
      paused: bool.optional(),
      progressDeadlineSeconds: int.optional(),
      strategy: z
        .strictObject({
          canary: canary.optional(),
          blueGreen: blueGreen.optional(),
        })
        .optional(),
      workloadRef: unsupported('Baton needs the pod template in the Rollout; copy it from the Deployment').optional(),
      analysis: unsupported(
        'Baton keeps the AnalysisRuns of a Rollout until it is deleted: no history limits',
      ).optional(),
      restartAt: unsupported('Baton does not restart Rollout pods at a time; use baton rollout restart').optional(),
      rollbackWindow: unsupported('Baton does not keep a rollback window for Rollouts').optional(),
      progressDeadlineAbort: unsupported('Baton does not abort a Rollout on its progress deadline').optional(),
    })
    .optional(),
  status,
})
