/**
 * @module
 * What the process runtime (src/runtime/process) honours of a pod spec, as an admission
 * check: every field it would otherwise accept and silently not act on is refused with its
 * path, the reason and the fix. validateObject judges whether an object is a valid Kubernetes
 * object; this judges whether Baton's process runtime will run it as written. Pure.
 *
 * Verdicts, per pod-spec field (a field not listed here is refused by the schema already):
 *
 * | field | verdict | why |
 * | --- | --- | --- |
 * | containers | honoured | one supervised process group each (per-field rules below) |
 * | restartPolicy, terminationGracePeriodSeconds | honoured | the supervisor and the kill sequence use them |
 * | initContainers | refused | the process runtime does not run init containers |
 * | activeDeadlineSeconds | refused | no deadline ever fails the pod |
 * | volumes | emptyDir, hostPath, configMap, secret where the node mounts them (a root daemon with overlayfs: api/process-volumes.ts); refused elsewhere (a StatefulSet's volumeClaimTemplates are mounted everywhere) | a claim is a directory linked inside the container's image copy |
 * | nodeName | honoured when it is Baton's node | the one node; another name would never run |
 * | schedulerName | honoured when "default-scheduler" | Baton's binding is the default scheduler; another would never bind |
 * | nodeSelector | honoured for kubernetes.io/os=linux and kubernetes.io/hostname=<node> | the labels the one node has; any other selector would never match |
 * | affinity | preferred terms honoured trivially, required terms refused | a preference among one node is always met; a required (anti-)affinity on one node holds for all replicas or none |
 * | tolerations | honoured trivially | the node has no taints, so there is nothing to tolerate |
 * | topologySpreadConstraints | ScheduleAnyway, or DoNotSchedule over kubernetes.io/hostname with minDomains ≤ 1 | one domain: the skew is always 0; other keys are labels the node lacks, so Kubernetes would not schedule |
 * | priorityClassName, priority, preemptionPolicy | honoured trivially | no resource-based admission: nothing ever waits or is preempted |
 * | imagePullSecrets | honoured trivially | artifacts are pushed through the authenticated API; there is no registry to present credentials to |
 * | serviceAccountName, serviceAccount | "default" or an existing ServiceAccount (checked in admission with the store, api/service-account-ref.ts) | no identity or token is issued for it |
 * | automountServiceAccountToken | false only | no token is ever mounted |
 * | hostPID, hostIPC, shareProcessNamespace | honoured trivially | a process shares the host's PID and IPC namespaces |
 * | hostNetwork | false only | replicas listen on allocated loopback ports, not on containerPort of the host |
 * | hostname | honoured | HOSTNAME in the environment |
 * | subdomain | honoured | naming a headless Service: its peers file and the pod's stable name in the environment (runtime/peer-records.ts) |
 * | setHostnameAsFQDN, dnsConfig, hostAliases | refused | there is no cluster DNS and no per-pod resolver or /etc/hosts |
 * | dnsPolicy | ClusterFirst, ClusterFirstWithHostNet, Default | the host's resolver answers (what ClusterFirst does for every name outside the cluster); None needs dnsConfig |
 * | enableServiceLinks | false only | no {SVC}_SERVICE_HOST variables are injected |
 * | securityContext | runAsUser, runAsGroup, runAsNonRoot | the process runs as that user (api/run-as.ts); nothing else of a sandbox applies |
 * | runtimeClassName | checked by api/runtime-class.ts | process or docker, when the node runs it |
 * | overhead | refused | no per-pod accounting |
 * | os | name linux | Baton runs on Linux |
 *
 * And per container: command, args, env (fieldRef paths the runtime fills, configMapKeyRef,
 * secretKeyRef), envFrom (configMapRef, secretRef), workingDir,
 * ports (TCP; hostIP loopback), probes and hooks (exec, httpGet over HTTP to the replica,
 * tcpSocket, sleep), resources.limits.memory, securityContext.runAsUser/runAsGroup/runAsNonRoot,
 * imagePullPolicy and resizePolicy are honoured; volumeMounts of a StatefulSet's volumeClaimTemplates are
 * honoured (the claim's directory linked at mountPath inside the container's copy of its
 * image); volumeMounts of the volumes above where the node mounts them (api/process-volumes.ts); other volumeMounts, the rest of securityContext, stdin/tty, stopSignal, other resources (cpu, requests) and a
 * non-default termination message are refused.
 */
import { type FieldError, at, forbidden, idx, show } from './field-errors.ts'
import { entries, isRec, type Rec } from './guards.ts'
import { DEFAULT_NODE_NAME } from './node-name.ts'
import { MOUNTED_SOURCES, processMountErrors, processVolumeErrors } from './process-volumes.ts'
import { RUN_AS_FIELDS } from './run-as.ts'

/** A refusal's reason and the fix, worded for one runtime. */
export type Refusal = readonly [reason: string, fix: string]

export const PROCESS_REASONS = {
  initContainers: [
    'the process runtime does not run init containers',
    "run the step at the start of the container's command",
  ],
  activeDeadlineSeconds: [
    'the process runtime does not enforce activeDeadlineSeconds',
    'remove it, or stop the pod from a script',
  ],
  volumes: [
    'the process runtime mounts volumes only where the daemon runs as root and overlayfs is available (docs/isolation.md)',
    'run `baton up` as root, or pass the data in env (configMapKeyRef) or a file path in env',
  ],
  claimMountField: [
    "the process runtime links the claim's whole directory read-write at mountPath",
    'remove the field',
  ],
  volumeMounts: [
    'the process runtime mounts volumes only where the daemon runs as root and overlayfs is available (docs/isolation.md)',
    'run `baton up` as root, or pass the data in env (configMapKeyRef) or a file path in env',
  ],
  nodeName: [
    `Baton has one node, "${DEFAULT_NODE_NAME}"; a pod bound to another would never run`,
    'remove spec.nodeName',
  ],
  schedulerName: [
    'Baton binds pods as the default scheduler; a pod naming another would never be bound',
    'remove schedulerName',
  ],
  nodeSelector: [
    `Baton's one node has only the labels kubernetes.io/os=linux and kubernetes.io/hostname=${DEFAULT_NODE_NAME}; this selector would never match`,
    'remove the nodeSelector entry',
  ],
  requiredAffinity: [
    'on one node a required affinity term holds for every replica or for none',
    'use preferredDuringSchedulingIgnoredDuringExecution, or remove it',
  ],
  topologySpread: [
    'on one node only a constraint over kubernetes.io/hostname with minDomains of at most 1 can be met',
    'use whenUnsatisfiable: ScheduleAnyway, or topologyKey kubernetes.io/hostname',
  ],
  automountToken: ['the process runtime never mounts a service account token', 'remove it, or set it to false'],
  hostNetwork: [
    "replicas listen on allocated loopback ports (PORT), not on the host's containerPort",
    'remove hostNetwork; read the port from $PORT',
  ],
  dns: [
    "the process runtime has no cluster DNS and no per-pod resolver or /etc/hosts; the host's resolver answers",
    'reach Services through their load-balancer port; remove it',
  ],
  dnsPolicy: [
    'dnsPolicy None needs a per-pod resolver, which the process runtime does not have',
    "use ClusterFirst (the host's resolver answers)",
  ],
  enableServiceLinks: [
    'the process runtime does not inject Service environment variables ({SVC}_SERVICE_HOST)',
    'set the address in env; remove enableServiceLinks',
  ],
  securityContext: [
    'the process runtime applies only runAsUser, runAsGroup and runAsNonRoot of a securityContext',
    'remove it',
  ],
  overhead: ['Baton does not account pod overhead', 'remove overhead'],
  os: ['Baton runs pods on Linux', 'remove os, or set os.name: linux'],
  stdin: ['the process runtime does not attach a stdin or a terminal', 'remove it, or set it to false'],
  stopSignal: ['the process runtime stops containers with SIGTERM', 'remove stopSignal; handle SIGTERM'],
  resources: [
    'the process runtime enforces only limits.memory (sampled every second); no cgroup applies CPU limits or requests',
    'remove it',
  ],
  terminationMessage: [
    'the process runtime does not read a termination message',
    'remove it (the default is /dev/termination-log, File)',
  ],
  protocol: ['the process runtime allocates TCP ports only', 'use protocol TCP'],
  hostIP: ['replicas listen on loopback (127.0.0.1)', 'remove hostIP'],
  fieldPath: [
    "the process runtime fills metadata.name, metadata.namespace, metadata.uid, metadata.labels['K'], metadata.annotations['K'], spec.nodeName, status.podIP and status.hostIP",
    'use one of those paths',
  ],
  probeHost: ['probes and hooks dial the replica on 127.0.0.1', 'remove host'],
  probeScheme: ['probes and hooks speak plain HTTP', 'use scheme HTTP, or a tcpSocket probe'],
} as const satisfies Record<string, Refusal>

export type Reason = keyof typeof PROCESS_REASONS

const refuse = (path: string, [reason, fix]: Refusal): FieldError => forbidden(path, reason, `${path}: ${fix}.`)

/**
 * Where runtimes differ in what they honour of a pod spec. The rest (scheduling on one node,
 * service accounts, DNS, probes' hosts) is judged alike, in the runtime's own words.
 */
export interface RuntimeSupport {
  reasons: Readonly<Record<Reason, Refusal>>
  /** The securityContext fields the runtime applies; every other one is refused by name. */
  securityContextFields: readonly string[]
  /** Whether a container may mount its StatefulSet's volumeClaimTemplates. */
  claimMounts: boolean
  /** The fieldRef paths the runtime fills (labels and annotations by key besides). */
  fieldPaths: ReadonlySet<string>
  /** Volume sources the runtime mounts (api/process-volumes.ts); absent: every volume is refused. */
  mountedVolumes?: {
    sources: ReadonlySet<string>
    volume(v: Rec, source: string, path: string): FieldError[]
    mount(m: Rec, path: string): FieldError[]
  }
  /** Pod fields honoured only with one value on this runtime, beyond the shared rules. */
  podValueRules: ReadonlyArray<readonly [string, (v: unknown) => boolean, Refusal]>
}

/** Fields of a pod spec that are refused whenever set. */
const REFUSED_POD_FIELDS: ReadonlyArray<[string, Reason]> = [
  ['activeDeadlineSeconds', 'activeDeadlineSeconds'],
  ['dnsConfig', 'dns'],
  ['hostAliases', 'dns'],
  ['overhead', 'overhead'],
]

/** Fields of a pod spec refused unless they hold the one value the runtime honours. */
const POD_VALUE_RULES: ReadonlyArray<[string, (v: unknown) => boolean, Reason]> = [
  ['nodeName', (v) => v === DEFAULT_NODE_NAME, 'nodeName'],
  ['schedulerName', (v) => v === 'default-scheduler', 'schedulerName'],
  ['automountServiceAccountToken', (v) => v === false, 'automountToken'],
  ['hostNetwork', (v) => v === false, 'hostNetwork'],
  ['setHostnameAsFQDN', (v) => v === false, 'dns'],
  ['dnsPolicy', (v) => v !== 'None', 'dnsPolicy'],
  ['enableServiceLinks', (v) => v === false, 'enableServiceLinks'],
  ['os', (v) => isRec(v) && v.name === 'linux', 'os'],
]

const CONTAINER_VALUE_RULES: ReadonlyArray<[string, (v: unknown) => boolean, Reason]> = [
  ['stdin', (v) => v === false, 'stdin'],
  ['stdinOnce', (v) => v === false, 'stdin'],
  ['tty', (v) => v === false, 'stdin'],
  ['terminationMessagePath', (v) => v === '/dev/termination-log', 'terminationMessage'],
  ['terminationMessagePolicy', (v) => v === 'File', 'terminationMessage'],
]

const NODE_LABELS: Readonly<Record<string, string>> = {
  'kubernetes.io/os': 'linux',
  'kubernetes.io/hostname': DEFAULT_NODE_NAME,
}

export const FIELD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'status.podIP',
  'status.hostIP',
])
const LABEL_PATH = /^metadata\.(labels|annotations)\['[^']+'\]$/

/** The pod spec an object runs, with its path: a Pod's spec or a workload's template spec. */
export function podSpecOf(obj: Rec): [Rec, string] | undefined {
  if (obj.kind === 'Pod') return isRec(obj.spec) ? [obj.spec, 'spec'] : undefined
  if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet' || obj.kind === 'StatefulSet' || obj.kind === 'Rollout') {
    const tpl = isRec(obj.spec) && isRec(obj.spec.template) ? obj.spec.template : undefined
    return tpl && isRec(tpl.spec) ? [tpl.spec, 'spec.template.spec'] : undefined
  }
  return undefined
}

export const PROCESS_SUPPORT: RuntimeSupport = {
  reasons: PROCESS_REASONS,
  securityContextFields: RUN_AS_FIELDS,
  claimMounts: true,
  fieldPaths: FIELD_PATHS,
  podValueRules: [],
}

/** The process runtime on a node that gives replicas their own mount namespace: it mounts volumes too. */
export const PROCESS_MOUNT_SUPPORT: RuntimeSupport = {
  ...PROCESS_SUPPORT,
  mountedVolumes: { sources: MOUNTED_SOURCES, volume: processVolumeErrors, mount: processMountErrors },
}

/**
 * Every field of `obj`'s pod spec (a Pod, or a Deployment's, ReplicaSet's or StatefulSet's
 * template) that the process runtime would not honour; [] for other kinds. Judges the
 * validated, defaulted object, so Kubernetes' defaults (dnsPolicy, schedulerName…) pass.
 * `mounts`: the node mounts volumes (a root daemon with overlayfs).
 */
export function processRuntimeErrors(obj: unknown, node: { mounts?: boolean } = {}): FieldError[] {
  return runtimeSupportErrors(obj, node.mounts ? PROCESS_MOUNT_SUPPORT : PROCESS_SUPPORT)
}

/** Every field of `obj`'s pod spec that the runtime `support` describes would not honour. */
export function runtimeSupportErrors(obj: unknown, support: RuntimeSupport): FieldError[] {
  if (!isRec(obj)) return []
  const found = podSpecOf(obj)
  if (!found) return []
  const [spec, path] = found
  const why = support.reasons
  const errs: FieldError[] = []
  for (const [field, reason] of REFUSED_POD_FIELDS)
    if (spec[field] !== undefined) errs.push(refuse(at(path, field), why[reason]))
  for (const [field, ok, reason] of POD_VALUE_RULES) {
    if (spec[field] !== undefined && !ok(spec[field])) errs.push(refuse(at(path, field), why[reason]))
  }
  for (const [field, ok, refusal] of support.podValueRules) {
    if (spec[field] !== undefined && !ok(spec[field])) errs.push(refuse(at(path, field), refusal))
  }
  errs.push(...securityContextErrors(spec.securityContext, at(path, 'securityContext'), support))
  for (const [i] of entries(spec.initContainers))
    errs.push(refuse(idx(at(path, 'initContainers'), i), why.initContainers))
  const mounted = new Set<string>()
  for (const [i, v] of entries<Rec>(spec.volumes)) {
    const source = Object.keys(v).find((k) => k !== 'name')
    const here = idx(at(path, 'volumes'), i)
    if (source && support.mountedVolumes?.sources.has(source)) {
      errs.push(...support.mountedVolumes.volume(v, source, here))
      if (typeof v.name === 'string') mounted.add(v.name)
    } else errs.push(refuse(source ? at(here, source) : here, why.volumes))
  }
  if (isRec(spec.nodeSelector)) {
    for (const [k, v] of Object.entries(spec.nodeSelector)) {
      if (NODE_LABELS[k] !== v) errs.push(refuse(`${at(path, 'nodeSelector')}[${show(k)}]`, why.nodeSelector))
    }
  }
  errs.push(...affinityErrors(spec.affinity, at(path, 'affinity'), why))
  for (const [i, c] of entries<Rec>(spec.topologySpreadConstraints)) {
    const onHost =
      c.topologyKey === 'kubernetes.io/hostname' && (c.minDomains === undefined || Number(c.minDomains) <= 1)
    if (c.whenUnsatisfiable !== 'ScheduleAnyway' && !onHost)
      errs.push(refuse(idx(at(path, 'topologySpreadConstraints'), i), why.topologySpread))
  }
  const claims = support.claimMounts ? claimTemplateNames(obj) : new Set<string>()
  for (const [i, c] of entries<Rec>(spec.containers))
    errs.push(...containerErrors(c, idx(at(path, 'containers'), i), claims, mounted, support))
  return errs
}

/** The names of a StatefulSet's volumeClaimTemplates: the volumes its containers may mount. */
function claimTemplateNames(obj: Rec): ReadonlySet<string> {
  if (obj.kind !== 'StatefulSet' || !isRec(obj.spec)) return new Set()
  return new Set(
    entries<Rec>(obj.spec.volumeClaimTemplates).flatMap(([, t]) =>
      isRec(t.metadata) && typeof t.metadata.name === 'string' ? [t.metadata.name] : [],
    ),
  )
}

/**
 * A mount of a StatefulSet's claim is honoured: the claim's directory appears at mountPath
 * inside the container's copy of its image (and in BATON_VOLUME_<NAME>); subPath, readOnly
 * and the propagation fields are not honoured.
 */
function claimMountErrors(m: Rec, path: string, why: RuntimeSupport['reasons']): FieldError[] {
  return ['subPath', 'subPathExpr', 'mountPropagation', 'recursiveReadOnly', 'readOnly']
    .filter((f) => m[f] !== undefined && m[f] !== false)
    .map((f) => refuse(at(path, f), why.claimMountField))
}

/** The fields the runtime applies are honoured (the process runtime's: api/run-as.ts); every other field is refused by name. */
function securityContextErrors(sc: unknown, path: string, support: RuntimeSupport): FieldError[] {
  if (!isRec(sc)) return []
  return Object.keys(sc)
    .filter((k) => !support.securityContextFields.includes(k))
    .map((k) => refuse(at(path, k), support.reasons.securityContext))
}

function affinityErrors(affinity: unknown, path: string, why: RuntimeSupport['reasons']): FieldError[] {
  if (!isRec(affinity)) return []
  const errs: FieldError[] = []
  for (const kind of ['nodeAffinity', 'podAffinity', 'podAntiAffinity']) {
    const a = affinity[kind]
    if (isRec(a) && a.requiredDuringSchedulingIgnoredDuringExecution !== undefined) {
      errs.push(refuse(at(path, kind, 'requiredDuringSchedulingIgnoredDuringExecution'), why.requiredAffinity))
    }
  }
  return errs
}

function containerErrors(
  c: Rec,
  path: string,
  claims: ReadonlySet<string>,
  mounted: ReadonlySet<string>,
  support: RuntimeSupport,
): FieldError[] {
  const why = support.reasons
  const errs: FieldError[] = []
  for (const [field, ok, reason] of CONTAINER_VALUE_RULES) {
    if (c[field] !== undefined && !ok(c[field])) errs.push(refuse(at(path, field), why[reason]))
  }
  errs.push(...securityContextErrors(c.securityContext, at(path, 'securityContext'), support))
  for (const [i, m] of entries<Rec>(c.volumeMounts)) {
    const mountPath = idx(at(path, 'volumeMounts'), i)
    if (typeof m.name === 'string' && claims.has(m.name)) errs.push(...claimMountErrors(m, mountPath, why))
    else if (typeof m.name === 'string' && mounted.has(m.name) && support.mountedVolumes)
      errs.push(...support.mountedVolumes.mount(m, mountPath))
    else errs.push(refuse(mountPath, why.volumeMounts))
  }
  if (isRec(c.lifecycle) && c.lifecycle.stopSignal !== undefined)
    errs.push(refuse(at(path, 'lifecycle', 'stopSignal'), why.stopSignal))
  if (isRec(c.resources)) {
    const r = c.resources
    if (r.requests !== undefined) errs.push(refuse(at(path, 'resources', 'requests'), why.resources))
    if (r.claims !== undefined) errs.push(refuse(at(path, 'resources', 'claims'), why.resources))
    if (isRec(r.limits)) {
      for (const k of Object.keys(r.limits))
        if (k !== 'memory') errs.push(refuse(`${at(path, 'resources', 'limits')}[${show(k)}]`, why.resources))
    }
  }
  for (const [i, p] of entries<Rec>(c.ports)) {
    const at_ = idx(at(path, 'ports'), i)
    if (p.protocol !== undefined && p.protocol !== 'TCP') errs.push(refuse(at(at_, 'protocol'), why.protocol))
    if (p.hostIP !== undefined && p.hostIP !== '127.0.0.1') errs.push(refuse(at(at_, 'hostIP'), why.hostIP))
  }
  for (const [i, e] of entries<Rec>(c.env)) {
    const ref = isRec(e.valueFrom) && isRec(e.valueFrom.fieldRef) ? e.valueFrom.fieldRef.fieldPath : undefined
    if (typeof ref === 'string' && !support.fieldPaths.has(ref) && !LABEL_PATH.test(ref)) {
      errs.push(refuse(at(idx(at(path, 'env'), i), 'valueFrom', 'fieldRef', 'fieldPath'), why.fieldPath))
    }
  }
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'])
    errs.push(...handlerErrors(c[probe], at(path, probe), why))
  if (isRec(c.lifecycle))
    for (const hook of ['postStart', 'preStop'])
      errs.push(...handlerErrors(c.lifecycle[hook], at(path, 'lifecycle', hook), why))
  return errs
}

function handlerErrors(h: unknown, path: string, why: RuntimeSupport['reasons']): FieldError[] {
  if (!isRec(h)) return []
  const errs: FieldError[] = []
  for (const action of ['httpGet', 'tcpSocket']) {
    const a = h[action]
    if (!isRec(a)) continue
    if (a.host !== undefined && a.host !== '127.0.0.1' && a.host !== 'localhost')
      errs.push(refuse(at(path, action, 'host'), why.probeHost))
    if (a.scheme !== undefined && a.scheme !== 'HTTP') errs.push(refuse(at(path, action, 'scheme'), why.probeScheme))
  }
  return errs
}
