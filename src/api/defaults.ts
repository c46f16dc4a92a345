/**
 * @module
 * Kubernetes' defaulting, applied before validation and storage, so that a stored object
 * reads exactly like `kubectl get -o yaml` prints it (pkg/apis/apps/v1/defaults.go and
 * pkg/apis/core/v1/defaults.go).
 *
 * Only unset fields are filled. Fields Kubernetes leaves unset stay unset: `minReadySeconds`
 * (0) and `paused` (false) are `omitempty` scalars there, so readers use `?? 0` / `=== true`.
 * Defaulting tolerates malformed input (it runs before validation reports the problems): it
 * only descends into values of the right shape.
 */
import { entries, isRec, type Rec } from './guards.ts'
import { defaultSecret } from './secret.ts'
import type { IntOrString, KObject } from './types.ts'

/** spec.replicas of a Deployment, ReplicaSet or StatefulSet. */
export const DEFAULT_REPLICAS = 1
export const DEFAULT_MAX_SURGE: IntOrString = '25%'
export const DEFAULT_MAX_UNAVAILABLE: IntOrString = '25%'
export const DEFAULT_REVISION_HISTORY_LIMIT = 10
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600
/** A pod's terminationGracePeriodSeconds. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30

const recs = (v: unknown): Rec[] => entries<Rec>(v).map(([, r]) => r)

/**
 * Sets `obj[key]` to `value` when it is unset. Go's zero value of a non-pointer string is ""
 * and Kubernetes defaults it like an absent field (restartPolicy "", protocol "" -> TCP).
 */
function fill(obj: Rec, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value
}

/** Like `fill`, also replacing 0: probe timings are plain int32s, so 0 means "not given". */
function fillNonZero(obj: Rec, key: string, value: number): void {
  if (obj[key] === 0) obj[key] = value
  fill(obj, key, value)
}

/** Returns `obj[key]` as a record, creating `{}` when unset; undefined when it has another type. */
function child(obj: Rec, key: string): Rec | undefined {
  fill(obj, key, {})
  const v = obj[key]
  return isRec(v) ? v : undefined
}

/**
 * The tag part of an image reference, "latest" when neither tag nor digest is given
 * (ParseImageName): "nginx" -> "latest", "reg:5000/app:v2" -> "v2", "app@sha256:..." -> "".
 */
export function imageTag(image: string): string {
  const [name = '', digest] = image.split('@')
  const last = name.slice(name.lastIndexOf('/') + 1)
  const colon = last.indexOf(':')
  const tag = colon >= 0 ? last.slice(colon + 1) : ''
  return tag === '' && digest === undefined ? 'latest' : tag
}

function defaultHTTPGet(handler: unknown): void {
  if (!isRec(handler) || !isRec(handler.httpGet)) return
  fill(handler.httpGet, 'path', '/')
  fill(handler.httpGet, 'scheme', 'HTTP')
}

function defaultProbe(probe: unknown): void {
  if (!isRec(probe)) return
  fillNonZero(probe, 'timeoutSeconds', 1)
  fillNonZero(probe, 'periodSeconds', 10)
  fillNonZero(probe, 'successThreshold', 1)
  fillNonZero(probe, 'failureThreshold', 3)
  defaultHTTPGet(probe)
}

function defaultContainer(c: Rec): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '') {
    // "latest" (or no tag) means the image can change under the same name, so pull every time.
    const tag = typeof c.image === 'string' ? imageTag(c.image) : ''
    c.imagePullPolicy = tag === 'latest' ? 'Always' : 'IfNotPresent'
  }
  fill(c, 'terminationMessagePath', '/dev/termination-log')
  fill(c, 'terminationMessagePolicy', 'File')
  for (const port of recs(c.ports)) fill(port, 'protocol', 'TCP')
  for (const env of recs(c.env)) {
    if (isRec(env.valueFrom) && isRec(env.valueFrom.fieldRef)) fill(env.valueFrom.fieldRef, 'apiVersion', 'v1')
  }
  defaultProbe(c.readinessProbe)
  defaultProbe(c.livenessProbe)
  defaultProbe(c.startupProbe)
  if (isRec(c.lifecycle)) {
    defaultHTTPGet(c.lifecycle.postStart)
    defaultHTTPGet(c.lifecycle.preStop)
  }
}

/** 0644, the file mode Kubernetes gives projected ConfigMap and Secret files. */
const DEFAULT_VOLUME_MODE = 0o644

function defaultVolume(v: Rec): void {
  // A volume that names no source at all is an emptyDir.
  if (!Object.keys(v).some((k) => k !== 'name' && v[k] !== undefined && v[k] !== null)) v.emptyDir = {}
  if (isRec(v.configMap)) fill(v.configMap, 'defaultMode', DEFAULT_VOLUME_MODE)
  if (isRec(v.secret)) fill(v.secret, 'defaultMode', DEFAULT_VOLUME_MODE)
}

function defaultPodSpec(spec: Rec | undefined): void {
  if (!spec) return
  fill(spec, 'restartPolicy', 'Always')
  fill(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS)
  fill(spec, 'dnsPolicy', 'ClusterFirst')
  fill(spec, 'schedulerName', 'default-scheduler')
  fill(spec, 'securityContext', {})
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) defaultContainer(c)
  for (const v of recs(spec.volumes)) defaultVolume(v)
}

function defaultTemplate(spec: Rec): void {
  const template = spec.template
  if (isRec(template)) defaultPodSpec(isRec(template.spec) ? template.spec : undefined)
}

function defaultDeployment(spec: Rec): void {
  fill(spec, 'replicas', DEFAULT_REPLICAS)
  const strategy = child(spec, 'strategy')
  if (strategy) {
    fill(strategy, 'type', 'RollingUpdate')
    // Recreate keeps no rollingUpdate block: validation rejects one there.
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate')
      if (ru) {
        fill(ru, 'maxUnavailable', DEFAULT_MAX_UNAVAILABLE)
        fill(ru, 'maxSurge', DEFAULT_MAX_SURGE)
      }
    }
  }
  fill(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT)
  fill(spec, 'progressDeadlineSeconds', DEFAULT_PROGRESS_DEADLINE_SECONDS)
  defaultTemplate(spec)
}

function defaultStatefulSet(spec: Rec): void {
  fill(spec, 'replicas', DEFAULT_REPLICAS)
  fill(spec, 'podManagementPolicy', 'OrderedReady')
  const strategy = child(spec, 'updateStrategy')
  if (strategy) {
    fill(strategy, 'type', 'RollingUpdate')
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate')
      if (ru) fill(ru, 'partition', 0)
    }
  }
  fill(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT)
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy')
  if (retention) {
    fill(retention, 'whenDeleted', 'Retain')
    fill(retention, 'whenScaled', 'Retain')
  }
  for (const claim of recs(spec.volumeClaimTemplates)) {
    const claimSpec = child(claim, 'spec')
    if (claimSpec) fill(claimSpec, 'volumeMode', 'Filesystem')
  }
  defaultTemplate(spec)
}

function defaultService(spec: Rec): void {
  fill(spec, 'type', 'ClusterIP')
  fill(spec, 'sessionAffinity', 'None')
  for (const port of recs(spec.ports)) {
    fill(port, 'protocol', 'TCP')
    // An unset (or 0 / "") targetPort means "the same number as port".
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') fill(spec, 'externalTrafficPolicy', 'Cluster')
}

/**
 * Returns a defaulted deep copy of `obj`; the input is not modified. Idempotent.
 *
 * applyDefaults({kind:'Deployment', metadata:{name:'web'}, spec:{selector, template}})
 *   -> metadata.namespace 'default', spec.replicas 1, strategy RollingUpdate 25%/25%,
 *      revisionHistoryLimit 10, progressDeadlineSeconds 600, template pod spec defaulted.
 */
/** The label kube-apiserver sets on every Namespace: its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name'

export function applyDefaults<T extends KObject>(obj: T): T {
  const copy = structuredClone(obj) as T
  const o = copy as unknown as Rec
  // A Namespace is cluster-scoped: it is in no namespace, and the namespace controller's
  // finalizer holds it while its objects are deleted.
  if (o.kind === 'Namespace') {
    if (isRec(o.metadata)) {
      delete o.metadata.namespace
      // kube-apiserver labels every Namespace with its own name (on create and on every update),
      // so a namespaceSelector can pick one by name.
      if (typeof o.metadata.name === 'string')
        o.metadata.labels = {
          ...(isRec(o.metadata.labels) ? o.metadata.labels : {}),
          [NAMESPACE_NAME_LABEL]: o.metadata.name,
        }
    }
    o.spec = { ...(isRec(o.spec) ? o.spec : {}), finalizers: ['kubernetes'] }
    return copy
  }
  if (isRec(o.metadata)) fill(o.metadata, 'namespace', 'default')
  const spec = isRec(o.spec) ? o.spec : undefined
  switch (o.kind) {
    case 'Deployment':
      if (spec) defaultDeployment(spec)
      break
    case 'ReplicaSet':
      if (spec) {
        fill(spec, 'replicas', DEFAULT_REPLICAS)
        defaultTemplate(spec)
      }
      break
    case 'StatefulSet':
      if (spec) defaultStatefulSet(spec)
      break
    case 'Rollout':
      if (spec) {
        fill(spec, 'replicas', DEFAULT_REPLICAS)
        fill(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT)
        fill(spec, 'progressDeadlineSeconds', DEFAULT_PROGRESS_DEADLINE_SECONDS)
        defaultTemplate(spec)
      }
      break
    case 'Pod':
      defaultPodSpec(spec)
      break
    case 'Service':
      if (spec) defaultService(spec)
      break
    case 'Secret':
      defaultSecret(o)
      break
    case 'Endpoints':
      for (const subset of recs(o.subsets)) for (const port of recs(subset.ports)) fill(port, 'protocol', 'TCP')
      break
  }
  return copy
}
