/**
 * @module
 * Resource types: the Kubernetes shapes Baton stores and serves (apps/v1 Deployment,
 * ReplicaSet, StatefulSet; v1 Pod, Service, Endpoints, ConfigMap, Event).
 *
 * Field names and meanings follow Kubernetes exactly so that manifests written for
 * kubectl apply as they are. Only the fields Baton acts on are typed; the validator
 * (api/validate.ts) decides which fields are accepted.
 */

/** RFC 3339 timestamp with second precision, as Kubernetes prints it ("2026-11-21T20:57:00Z"). */
export type Timestamp = string

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: Timestamp
  deletionTimestamp?: Timestamp
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  finalizers?: string[]
  /** Server-side apply's field owners (server/kube/server-side-apply.ts); only Apply managers are recorded. */
  managedFields?: ManagedFieldsEntry[]
}

/** metav1.ManagedFieldsEntry: the fields one manager set, as a FieldsV1 tree ("f:spec", "k:{\"name\":\"web\"}"). */
export interface ManagedFieldsEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  fieldsType: 'FieldsV1'
  fieldsV1: Record<string, unknown>
  subresource?: string
}

export interface TypeMeta {
  apiVersion: string
  kind: Kind
}

export type Kind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'ControllerRevision'
  | 'Pod'
  | 'Service'
  | 'Endpoints'
  | 'ConfigMap'
  | 'Secret'
  | 'ServiceAccount'
  | 'Event'
  | 'Rollout'
  | 'PersistentVolumeClaim'
  | 'AnalysisTemplate'
  | 'AnalysisRun'
  | 'Namespace'

/** Any stored object. `spec`/`status` are kind-specific. */
export interface KObject extends TypeMeta {
  metadata: ObjectMeta
}

// ---------------------------------------------------------------------------
// Selectors and int-or-string

export interface LabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
  values?: string[]
}

export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

/** An int, or a string such as "25%" (Kubernetes' intstr.IntOrString). */
export type IntOrString = number | string

// ---------------------------------------------------------------------------
// Pod template and containers

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: {
    fieldRef?: { fieldPath: string; apiVersion?: string }
    configMapKeyRef?: { name: string; key: string; optional?: boolean }
    secretKeyRef?: { name: string; key: string; optional?: boolean }
  }
}

/** One `envFrom` source: every key of a ConfigMap or Secret, each name prefixed. */
export interface EnvFromSource {
  prefix?: string
  configMapRef?: { name: string; optional?: boolean }
  secretRef?: { name: string; optional?: boolean }
}

export interface ContainerPort {
  name?: string
  containerPort: number
  protocol?: 'TCP' | 'UDP' | 'SCTP'
  hostPort?: number
  hostIP?: string
}

export interface HTTPHeader {
  name: string
  value: string
}

export interface ExecAction {
  command: string[]
}

export interface HTTPGetAction {
  path?: string
  port: IntOrString
  host?: string
  scheme?: 'HTTP' | 'HTTPS'
  httpHeaders?: HTTPHeader[]
}

export interface TCPSocketAction {
  port: IntOrString
  host?: string
}

export interface Probe {
  exec?: ExecAction
  httpGet?: HTTPGetAction
  tcpSocket?: TCPSocketAction
  initialDelaySeconds?: number
  periodSeconds?: number
  timeoutSeconds?: number
  successThreshold?: number
  failureThreshold?: number
  terminationGracePeriodSeconds?: number
}

export interface LifecycleHandler {
  exec?: ExecAction
  httpGet?: HTTPGetAction
  tcpSocket?: TCPSocketAction
  sleep?: { seconds: number }
}

export interface Lifecycle {
  postStart?: LifecycleHandler
  preStop?: LifecycleHandler
}

export interface ResourceRequirements {
  limits?: Record<string, string | number>
  requests?: Record<string, string | number>
}

export interface Container {
  name: string
  image?: string
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  command?: string[]
  args?: string[]
  workingDir?: string
  env?: EnvVar[]
  envFrom?: EnvFromSource[]
  ports?: ContainerPort[]
  resources?: ResourceRequirements
  readinessProbe?: Probe
  livenessProbe?: Probe
  startupProbe?: Probe
  lifecycle?: Lifecycle
  terminationMessagePath?: string
  terminationMessagePolicy?: string
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string; subPathExpr?: string }>
  securityContext?: Record<string, unknown>
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never'

export interface PodSpec {
  containers: Container[]
  initContainers?: Container[]
  restartPolicy?: RestartPolicy
  terminationGracePeriodSeconds?: number
  activeDeadlineSeconds?: number
  nodeName?: string
  volumes?: Array<Record<string, unknown> & { name: string }>
  dnsPolicy?: string
  schedulerName?: string
  securityContext?: Record<string, unknown>
  imagePullSecrets?: Array<{ name: string }>
  nodeSelector?: Record<string, string>
  hostname?: string
  subdomain?: string
  /** The RuntimeClass that runs the pod (api/runtime-class.ts): process or docker; absent: the node's default. */
  runtimeClassName?: string
  /** "default" or an existing ServiceAccount (api/service-account-ref.ts); no token is mounted. */
  serviceAccountName?: string
}

export interface PodTemplateSpec {
  metadata?: Omit<ObjectMeta, 'name'> & { name?: string }
  spec: PodSpec
}

// ---------------------------------------------------------------------------
// Pod

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
export type ConditionStatus = 'True' | 'False' | 'Unknown'

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready'
  status: ConditionStatus
  lastProbeTime?: Timestamp | null
  lastTransitionTime?: Timestamp
  reason?: string
  message?: string
}

export interface ContainerStateWaiting {
  reason?: string
  message?: string
}
export interface ContainerStateRunning {
  startedAt?: Timestamp
}
export interface ContainerStateTerminated {
  exitCode: number
  signal?: number
  reason?: string
  message?: string
  startedAt?: Timestamp
  finishedAt?: Timestamp
}
export interface ContainerState {
  waiting?: ContainerStateWaiting
  running?: ContainerStateRunning
  terminated?: ContainerStateTerminated
}

export interface ContainerStatus {
  name: string
  state: ContainerState
  lastState: ContainerState
  ready: boolean
  started?: boolean
  restartCount: number
  image: string
  imageID: string
  containerID?: string
}

export interface PodStatus {
  phase?: PodPhase
  conditions?: PodCondition[]
  containerStatuses?: ContainerStatus[]
  hostIP?: string
  podIP?: string
  startTime?: Timestamp
  reason?: string
  message?: string
  /**
   * Baton extension: the loopback port allocated for each declared container port, so that
   * many replicas of one app coexist on one machine. Keyed by `containerPort` number.
   */
  portMappings?: Array<{ containerName: string; name?: string; containerPort: number; hostPort: number }>
}

export interface Pod extends KObject {
  apiVersion: 'v1'
  kind: 'Pod'
  spec: PodSpec
  status?: PodStatus
}

// ---------------------------------------------------------------------------
// Deployment and ReplicaSet

export interface RollingUpdateDeployment {
  maxUnavailable?: IntOrString
  maxSurge?: IntOrString
}

export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate'
  rollingUpdate?: RollingUpdateDeployment
}

export interface DeploymentSpec {
  replicas?: number
  selector: LabelSelector
  template: PodTemplateSpec
  strategy?: DeploymentStrategy
  minReadySeconds?: number
  revisionHistoryLimit?: number
  paused?: boolean
  progressDeadlineSeconds?: number
}

export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure' | 'FailurePolicy'
  status: ConditionStatus
  lastUpdateTime?: Timestamp
  lastTransitionTime?: Timestamp
  reason?: string
  message?: string
}

export interface DeploymentStatus {
  observedGeneration?: number
  replicas?: number
  updatedReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  unavailableReplicas?: number
  /** Pods being shut down, summed over the ReplicaSets; absent when unknown (feature-gates.ts). */
  terminatingReplicas?: number
  conditions?: DeploymentCondition[]
  collisionCount?: number
}

export interface Deployment extends KObject {
  apiVersion: 'apps/v1'
  kind: 'Deployment'
  spec: DeploymentSpec
  status?: DeploymentStatus
}

export interface ReplicaSetSpec {
  replicas?: number
  minReadySeconds?: number
  selector: LabelSelector
  template: PodTemplateSpec
}

export interface ReplicaSetCondition {
  type: 'ReplicaFailure'
  status: ConditionStatus
  lastTransitionTime?: Timestamp
  reason?: string
  message?: string
}

export interface ReplicaSetStatus {
  replicas: number
  fullyLabeledReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  /** Pods being shut down (a deletionTimestamp, not finished); only with the feature gate on (feature-gates.ts). */
  terminatingReplicas?: number
  observedGeneration?: number
  conditions?: ReplicaSetCondition[]
}

export interface ReplicaSet extends KObject {
  apiVersion: 'apps/v1'
  kind: 'ReplicaSet'
  spec: ReplicaSetSpec
  status?: ReplicaSetStatus
}

// ---------------------------------------------------------------------------
// StatefulSet and ControllerRevision

export interface StatefulSetSpec {
  replicas?: number
  selector: LabelSelector
  template: PodTemplateSpec
  serviceName?: string
  podManagementPolicy?: 'OrderedReady' | 'Parallel'
  updateStrategy?: {
    type?: 'RollingUpdate' | 'OnDelete'
    rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString }
  }
  revisionHistoryLimit?: number
  minReadySeconds?: number
  ordinals?: { start?: number }
  volumeClaimTemplates?: PersistentVolumeClaimTemplate[]
  persistentVolumeClaimRetentionPolicy?: {
    whenDeleted?: 'Retain' | 'Delete'
    whenScaled?: 'Retain' | 'Delete'
  }
}

export interface PersistentVolumeClaimSpec {
  accessModes?: string[]
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
  storageClassName?: string
  volumeMode?: 'Filesystem'
  volumeName?: string
}

/** A volumeClaimTemplate: the claim each ordinal gets, named `<template>-<set>-<ordinal>`. */
export interface PersistentVolumeClaimTemplate {
  apiVersion?: string
  kind?: string
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  spec: PersistentVolumeClaimSpec
}

/** v1 PersistentVolumeClaim: for the process runtime, a directory under the data directory. */
export interface PersistentVolumeClaim extends KObject {
  apiVersion: 'v1'
  kind: 'PersistentVolumeClaim'
  spec: PersistentVolumeClaimSpec
  status?: {
    phase?: 'Pending' | 'Bound' | 'Lost'
    accessModes?: string[]
    capacity?: Record<string, string | number>
  }
}

export interface StatefulSetStatus {
  observedGeneration?: number
  replicas: number
  readyReplicas?: number
  currentReplicas?: number
  updatedReplicas?: number
  availableReplicas?: number
  currentRevision?: string
  updateRevision?: string
  collisionCount?: number
}

export interface StatefulSet extends KObject {
  apiVersion: 'apps/v1'
  kind: 'StatefulSet'
  spec: StatefulSetSpec
  status?: StatefulSetStatus
}

export interface ControllerRevision extends KObject {
  apiVersion: 'apps/v1'
  kind: 'ControllerRevision'
  revision: number
  data: unknown
}

// ---------------------------------------------------------------------------
// Service, Endpoints, ConfigMap, Event

export interface ServicePort {
  name?: string
  protocol?: 'TCP' | 'UDP' | 'SCTP'
  /** Baton extension of appProtocol: "http" (default for TCP) or "tcp" selects the proxy mode. */
  appProtocol?: string
  port: number
  targetPort?: IntOrString
  nodePort?: number
}

export interface ServiceSpec {
  selector?: Record<string, string>
  ports: ServicePort[]
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer'
  clusterIP?: string
  clusterIPs?: string[]
  sessionAffinity?: 'None' | 'ClientIP'
  externalTrafficPolicy?: string
}

/** metav1.Condition, as Service status carries it. */
export interface ServiceCondition {
  type: string
  status: ConditionStatus
  observedGeneration?: number
  lastTransitionTime?: string
  reason: string
  message: string
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> }
  /** Baton's `Listening`: whether the load balancer listens on every address of the service. */
  conditions?: ServiceCondition[]
}

export interface Service extends KObject {
  apiVersion: 'v1'
  kind: 'Service'
  spec: ServiceSpec
  status?: ServiceStatus
}

export interface EndpointAddress {
  ip: string
  /** The pod's hostname, when its subdomain names the service (a stable name: `web-0.web`). */
  hostname?: string
  targetRef?: { kind: 'Pod'; name: string; namespace: string; uid: string }
}
export interface EndpointPort {
  name?: string
  port: number
  protocol?: string
}
export interface EndpointSubset {
  addresses?: EndpointAddress[]
  notReadyAddresses?: EndpointAddress[]
  ports?: EndpointPort[]
}

/**
 * Endpoints are per pod, not per address: on one machine every replica listens on
 * 127.0.0.1 with its own port, so each subset carries one pod's address and port(s).
 */
export interface Endpoints extends KObject {
  apiVersion: 'v1'
  kind: 'Endpoints'
  subsets?: EndpointSubset[]
}

export interface ConfigMap extends KObject {
  apiVersion: 'v1'
  kind: 'ConfigMap'
  data?: Record<string, string>
  binaryData?: Record<string, string>
  immutable?: boolean
}

/**
 * v1 Secret. `data` values are base64; `stringData` is write-only (folded into `data` by
 * defaulting, never stored), as kube-apiserver does.
 */
export interface Secret extends KObject {
  apiVersion: 'v1'
  kind: 'Secret'
  data?: Record<string, string>
  stringData?: Record<string, string>
  type?: string
  immutable?: boolean
}

/** v1 ServiceAccount: stored and listed; Baton issues no tokens for it (docs/helm.md). */
export interface ServiceAccount extends KObject {
  apiVersion: 'v1'
  kind: 'ServiceAccount'
  secrets?: ObjectReference[]
  imagePullSecrets?: Array<{ name?: string }>
  automountServiceAccountToken?: boolean
}

/**
 * v1 Namespace, cluster-scoped (stored with no metadata.namespace). `spec.finalizers` holds
 * `kubernetes` while the namespace controller has objects of it to delete (docs/kubectl.md).
 */
export interface Namespace extends KObject {
  apiVersion: 'v1'
  kind: 'Namespace'
  spec?: { finalizers?: string[] }
  status?: { phase?: 'Active' | 'Terminating' }
}

export interface ObjectReference {
  kind: string
  name: string
  namespace?: string
  uid?: string
  apiVersion?: string
  resourceVersion?: string
  fieldPath?: string
}

export interface Event extends KObject {
  apiVersion: 'v1'
  kind: 'Event'
  involvedObject: ObjectReference
  reason: string
  message: string
  type: 'Normal' | 'Warning'
  source?: { component?: string; host?: string }
  firstTimestamp?: Timestamp
  lastTimestamp?: Timestamp
  count?: number
}

// ---------------------------------------------------------------------------
// Argo Rollouts' Rollout (argoproj.io/v1alpha1), the subset Baton serves (docs/rollouts.md)

/** One step of a canary: exactly one of its fields is set. */
export interface RolloutCanaryStep {
  /** Percent of the traffic the canary gets (0–100); Baton's load balancer applies it exactly. */
  setWeight?: number
  /** Stop here: for `duration` (seconds, or a Go duration such as "30s"), or until promoted. */
  pause?: { duration?: IntOrString }
  /** Run an AnalysisRun from these templates; the step ends when it succeeds (docs/analysis.md). */
  analysis?: RolloutAnalysis
  /** Send requests whose headers match to the canary (no `match`: remove the route named). */
  setHeaderRoute?: RolloutHeaderRoute
}

/** Argo's header route: every `match` must hold (exactly one of exact, prefix, regex each). */
export interface RolloutHeaderRoute {
  name: string
  match?: Array<{ headerName: string; headerValue: { exact?: string; prefix?: string; regex?: string } }>
}

/** A Rollout's reference to AnalysisTemplates, with the values of their args. */
export interface RolloutAnalysis {
  templates: Array<{ templateName: string }>
  args?: AnalysisRunArgument[]
}

/** The canary's background analysis: runs beside the steps from `startingStep` until the end. */
export interface RolloutBackgroundAnalysis extends RolloutAnalysis {
  startingStep?: number
}

export interface RolloutCanaryStrategy {
  steps?: RolloutCanaryStep[]
  maxSurge?: IntOrString
  maxUnavailable?: IntOrString
  /** A Service the controller points at the canary's pods (selector + rollouts-pod-template-hash). */
  canaryService?: string
  /** A Service the controller points at the stable pods. */
  stableService?: string
  /** After an abort, how long the canary's pods stay up (default 30 s; 0 keeps them). */
  abortScaleDownDelaySeconds?: number
  /** Scale the stable ReplicaSet down as the canary's weight grows. */
  dynamicStableScale?: boolean
  /** Background analysis: a failure aborts the Rollout. */
  analysis?: RolloutBackgroundAnalysis
}

export interface RolloutBlueGreenStrategy {
  /** The Service that gets the traffic: pointed at the stable revision until promotion. */
  activeService: string
  /** A Service pointed at the new revision while it is previewed. */
  previewService?: string
  /** Promote as soon as the preview is available (default true); false waits for `promote`. */
  autoPromotionEnabled?: boolean
  /** Promote this long after the preview is available. */
  autoPromotionSeconds?: number
  /** How long the previous revision stays up after promotion (default 30 s): an undo inside it is a switch. */
  scaleDownDelaySeconds?: number
  /** Pods of the new revision while it is previewed (default: spec.replicas). */
  previewReplicaCount?: number
  /** After an abort, how long the preview's pods stay up (default 30 s; 0 keeps them). */
  abortScaleDownDelaySeconds?: number
  /** Judges the preview before the switch: a failure aborts, the active Service never moves. */
  prePromotionAnalysis?: RolloutAnalysis
  /** Judges the new revision after the switch: a failure switches the active Service back. */
  postPromotionAnalysis?: RolloutAnalysis
}

export interface RolloutSpec {
  replicas?: number
  selector: LabelSelector
  template: PodTemplateSpec
  minReadySeconds?: number
  revisionHistoryLimit?: number
  paused?: boolean
  progressDeadlineSeconds?: number
  strategy: { canary?: RolloutCanaryStrategy; blueGreen?: RolloutBlueGreenStrategy }
}

export interface RolloutPauseCondition {
  reason: 'CanaryPauseStep' | 'BlueGreenPause' | 'InconclusiveAnalysisRun'
  startTime: Timestamp
}

export interface RolloutTrafficWeight {
  podTemplateHash: string
  weight: number
  serviceName?: string
}

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded'

export interface RolloutStatus {
  observedGeneration?: string
  replicas?: number
  updatedReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  /** The pod-template-hash of spec.template. */
  currentPodHash?: string
  /** The hash of the steps the current step index refers to (a change of steps restarts them). */
  currentStepHash?: string
  currentStepIndex?: number
  /** The pod-template-hash of the ReplicaSet that serves when no canary runs. */
  stableRS?: string
  pauseConditions?: RolloutPauseCondition[]
  /** Set by `baton rollout promote` to leave a paused step, as Argo's controllerPause. */
  controllerPause?: boolean
  /** Set by `baton rollout abort`: all traffic back to stable at once. */
  abort?: boolean
  abortedAt?: Timestamp
  /** Set by `baton rollout promote --full`: skip the remaining steps. */
  promoteFull?: boolean
  phase?: RolloutPhase
  message?: string
  canary?: {
    weights?: { canary: RolloutTrafficWeight; stable: RolloutTrafficWeight }
    /** The AnalysisRun of the current analysis step. */
    currentStepAnalysisRunStatus?: RolloutAnalysisRunStatus
    /** The background AnalysisRun of the current revision. */
    currentBackgroundAnalysisRunStatus?: RolloutAnalysisRunStatus
    /** The header routes setHeaderRoute steps have set, in force until the end of the rollout. */
    headerRoutes?: RolloutHeaderRoute[]
  }
  blueGreen?: {
    prePromotionAnalysisRunStatus?: RolloutAnalysisRunStatus
    postPromotionAnalysisRunStatus?: RolloutAnalysisRunStatus
    /** The hash the active Service points at while the post-promotion analysis runs (stableRS until then). */
    activeSelector?: string
  }
  conditions?: DeploymentCondition[]
}

export interface RolloutAnalysisRunStatus {
  name: string
  status: AnalysisPhase
  message?: string
}

export interface Rollout extends KObject {
  apiVersion: 'argoproj.io/v1alpha1'
  kind: 'Rollout'
  spec: RolloutSpec
  status?: RolloutStatus
}

// ---------------------------------------------------------------------------
// Argo Rollouts' AnalysisTemplate and AnalysisRun (argoproj.io/v1alpha1), docs/analysis.md

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive'

/** A template's argument (value: its default) or a Rollout's value for one. */
export interface AnalysisRunArgument {
  name: string
  value?: string
  valueFrom?: {
    /** From the Rollout: the pod-template-hash of the stable (`Stable`) or new (`Latest`) revision. */
    podTemplateHashValue?: 'Stable' | 'Latest'
    /** From the Rollout: one of its fields (rollout-field-path.ts). */
    fieldRef?: { fieldPath: string }
    /**
     * From a template or run: a key of a Secret in the run's namespace, read each time the run is
     * assessed (never stored in the run) and masked in what it records.
     */
    secretKeyRef?: { name: string; key: string }
  }
}

/** Baton's built-in provider: one figure of a revision, as its own load balancer counts it. */
export interface BatonMetricProvider {
  /** errorRatio, successRate, errorCount, requestRate (per second), p50 / p95 / p99 (ms). */
  metric: BatonMetricName
  /** Whose figures: the Rollout's new revision (`Latest`, default) or its stable one. */
  revision?: 'Latest' | 'Stable'
  /** Fewer requests than this in a measurement's window makes it Inconclusive (default 20). */
  minRequests?: number
}

export type BatonMetricName = 'errorRatio' | 'successRate' | 'errorCount' | 'requestRate' | 'p50' | 'p95' | 'p99'

/** Argo's `web` provider: GET a URL, the result is the JSON at jsonPath. */
export interface WebMetricProvider {
  url: string
  method?: 'GET'
  headers?: Array<{ key: string; value: string }>
  timeoutSeconds?: number
  jsonPath?: string
}

/**
 * Argo's `job` provider: a Kubernetes Job's pod run once per measurement on this node (its
 * runtime, as any pod); Successful when it exits 0, Failed when it still fails after
 * backoffLimit retries (docs/analysis.md).
 */
export interface JobMetricProvider {
  /** Labels and annotations for the job's pods. */
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
  spec: {
    /** Retries after a failed attempt (Kubernetes' default 6), with the Job controller's back-off. */
    backoffLimit?: number
    /** The measurement fails when its attempts run longer than this in all. */
    activeDeadlineSeconds?: number
    /** Only 1: one pod per attempt. */
    parallelism?: number
    completions?: number
    completionMode?: 'NonIndexed'
    /** Refused when true: a measurement runs its job at once. */
    suspend?: boolean
    template: PodTemplateSpec
  }
}

export interface AnalysisMetric {
  name: string
  /** Time between measurements ("30s", "5m"); none: one measurement. */
  interval?: string
  initialDelay?: string
  /** How many measurements; none with an interval: until the run is terminated. */
  count?: IntOrString
  successCondition?: string
  failureCondition?: string
  failureLimit?: IntOrString
  inconclusiveLimit?: IntOrString
  consecutiveErrorLimit?: IntOrString
  provider: { baton?: BatonMetricProvider; web?: WebMetricProvider; job?: JobMetricProvider }
}

export interface AnalysisTemplate extends KObject {
  apiVersion: 'argoproj.io/v1alpha1'
  kind: 'AnalysisTemplate'
  spec: { args?: AnalysisRunArgument[]; metrics: AnalysisMetric[] }
}

export interface AnalysisMeasurement {
  phase: AnalysisPhase
  value?: string
  message?: string
  startedAt?: Timestamp
  finishedAt?: Timestamp
  /** Provider data: the baton provider keeps the counters its next window starts from. */
  metadata?: Record<string, string>
}

export interface AnalysisMetricResult {
  name: string
  phase: AnalysisPhase
  measurements?: AnalysisMeasurement[]
  message?: string
  count?: number
  successful?: number
  failed?: number
  inconclusive?: number
  error?: number
  consecutiveError?: number
  metadata?: Record<string, string>
}

export interface AnalysisRunStatus {
  phase?: AnalysisPhase
  message?: string
  startedAt?: Timestamp
  metricResults?: AnalysisMetricResult[]
}

export interface AnalysisRun extends KObject {
  apiVersion: 'argoproj.io/v1alpha1'
  kind: 'AnalysisRun'
  spec: { args?: AnalysisRunArgument[]; metrics: AnalysisMetric[]; terminate?: boolean }
  status?: AnalysisRunStatus
}

/** Every kind Baton stores, by kind name. */
export interface KindMap {
  Deployment: Deployment
  ReplicaSet: ReplicaSet
  StatefulSet: StatefulSet
  ControllerRevision: ControllerRevision
  Pod: Pod
  Service: Service
  Endpoints: Endpoints
  ConfigMap: ConfigMap
  Secret: Secret
  ServiceAccount: ServiceAccount
  Event: Event
  Rollout: Rollout
  PersistentVolumeClaim: PersistentVolumeClaim
  AnalysisTemplate: AnalysisTemplate
  AnalysisRun: AnalysisRun
  Namespace: Namespace
}

export type AnyObject = KindMap[Kind]
