/**
 * @module
 * The strict zod schemas of Argo Rollouts' AnalysisTemplate and AnalysisRun
 * (argoproj.io/v1alpha1), structure only. The providers Baton implements are `baton` (its own
 * load balancer's figures of a revision), `web` and `job` (a pod run once per measurement,
 * with the Job fields Baton honours: backoffLimit, activeDeadlineSeconds; one pod at a time);
 * every other Argo provider and field is
 * `unsupported(why)`, so applying it names its path instead of storing an analysis that
 * would never measure (docs/analysis.md).
 */
import { z } from 'zod'
import { int, intOrString, objectMeta, status, str, stringMap, unsupported } from './schema-common.ts'
import { podTemplate } from './schema-pod.ts'

const noProvider = (name: string) =>
  unsupported(
    `Baton does not query ${name}; use the baton provider (the load balancer's own figures of the revision) or web (an HTTP GET)`,
  ).optional()

/**
 * A template's or run's arg (Argo's Argument): a value, nothing (the Rollout gives it), or a
 * Secret's key, read when the run is assessed. A revision's hash is the Rollout's to give, as in
 * Argo, whose Argument has no podTemplateHashValue.
 */
export const analysisArg = z.strictObject({
  name: str,
  value: str.optional(),
  valueFrom: z
    .strictObject({
      secretKeyRef: z.strictObject({ name: str, key: str }).optional(),
      podTemplateHashValue: unsupported(
        "a revision's pod-template-hash is given by the Rollout: put valueFrom.podTemplateHashValue in the Rollout's analysis args",
      ).optional(),
      fieldRef: unsupported(
        "a Rollout's field is given by the Rollout (a template's fieldRef is never read, in Argo neither): put valueFrom.fieldRef in the Rollout's analysis args",
      ).optional(),
    })
    .optional(),
})

/**
 * A Rollout's analysis arg (Argo's AnalysisRunArgument): a value, a revision's hash or one of
 * the Rollout's fields. Argo's has no secretKeyRef: a Secret is named by the template, where the
 * run reads it.
 */
export const rolloutAnalysisArg = z.strictObject({
  name: str,
  value: str.optional(),
  valueFrom: z
    .strictObject({
      podTemplateHashValue: str.optional(),
      fieldRef: z.strictObject({ fieldPath: str }).optional(),
      secretKeyRef: unsupported(
        "a Rollout's analysis args take no secretKeyRef (Argo's neither): declare the arg in the AnalysisTemplate with valueFrom.secretKeyRef",
      ).optional(),
    })
    .optional(),
})

const provider = z.strictObject({
  baton: z
    .strictObject({
      metric: str,
      revision: str.optional(),
      minRequests: int.optional(),
    })
    .optional(),
  web: z
    .strictObject({
      url: str,
      method: str.optional(),
      headers: z.array(z.strictObject({ key: str, value: str })).optional(),
      timeoutSeconds: int.optional(),
      jsonPath: str.optional(),
      body: unsupported('Baton sends only GET requests, without a body').optional(),
      jsonBody: unsupported('Baton sends only GET requests, without a body').optional(),
      insecure: unsupported('Baton checks TLS certificates; serve the check over http on loopback').optional(),
      authentication: unsupported('Baton sends no OAuth2 tokens; put a header in headers').optional(),
    })
    .optional(),
  prometheus: noProvider('Prometheus'),
  datadog: noProvider('Datadog'),
  job: z
    .strictObject({
      metadata: z.strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
      spec: z.strictObject({
        backoffLimit: int.optional(),
        activeDeadlineSeconds: int.optional(),
        parallelism: int.optional(),
        completions: int.optional(),
        completionMode: str.optional(),
        suspend: z.boolean().optional(),
        template: podTemplate,
        ttlSecondsAfterFinished: unsupported(
          "Baton keeps a measurement's job pods until the next measurement or the AnalysisRun is deleted",
        ).optional(),
        podFailurePolicy: unsupported('Baton counts every failed attempt against backoffLimit').optional(),
        successPolicy: unsupported('a job metric runs one pod at a time: it succeeds when that pod exits 0').optional(),
        backoffLimitPerIndex: unsupported('Baton runs no indexed Jobs').optional(),
        maxFailedIndexes: unsupported('Baton runs no indexed Jobs').optional(),
        podReplacementPolicy: unsupported('Baton starts the next attempt once the failed pod has stopped').optional(),
        managedBy: unsupported("the AnalysisRun controller runs a job metric's pods").optional(),
        selector: unsupported("Baton labels a job metric's pods itself").optional(),
        manualSelector: unsupported("Baton labels a job metric's pods itself").optional(),
      }),
    })
    .optional(),
  kayenta: noProvider('Kayenta'),
  wavefront: noProvider('Wavefront'),
  newRelic: noProvider('New Relic'),
  cloudWatch: noProvider('CloudWatch'),
  graphite: noProvider('Graphite'),
  influxdb: noProvider('InfluxDB'),
  skywalking: noProvider('SkyWalking'),
  plugin: unsupported('Baton runs no metric plugins').optional(),
})

export const analysisMetric = z.strictObject({
  name: str,
  interval: str.optional(),
  initialDelay: str.optional(),
  count: intOrString.optional(),
  successCondition: str.optional(),
  failureCondition: str.optional(),
  failureLimit: intOrString.optional(),
  inconclusiveLimit: intOrString.optional(),
  consecutiveErrorLimit: intOrString.optional(),
  consecutiveSuccessLimit: unsupported('Baton ends a metric at its count; remove consecutiveSuccessLimit').optional(),
  provider,
})

const dryRun = unsupported('Baton has no dry-run metrics: a metric it runs counts').optional()
const retention = unsupported('Baton keeps the last 10 measurements of each metric').optional()

export const analysisTemplate = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: objectMeta.optional(),
  spec: z
    .strictObject({
      args: z.array(analysisArg).optional(),
      metrics: z.array(analysisMetric).optional(),
      dryRun,
      measurementRetention: retention,
    })
    .optional(),
  status,
})

export const analysisRun = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: objectMeta.optional(),
  spec: z
    .strictObject({
      args: z.array(analysisArg).optional(),
      metrics: z.array(analysisMetric).optional(),
      terminate: z.boolean().optional(),
      dryRun,
      measurementRetention: retention,
      ttlStrategy: unsupported('Baton deletes AnalysisRuns with their Rollout').optional(),
    })
    .optional(),
  status,
})
