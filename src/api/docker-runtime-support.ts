/**
 * @module
 * What the Docker runtime (src/runtime/docker) maps of a pod spec, as an admission check: a
 * field it would otherwise accept and not pass to the engine is refused with its path, the
 * reason and the fix. The walk is the process runtime's (api/process-runtime-support.ts); this
 * is where the two differ, in the Docker runtime's words. Pure.
 *
 * Verdicts, per pod-spec field (the table in docs/docker.md, "Pod spec fields"):
 *
 * | field | verdict on a Docker pod |
 * | --- | --- |
 * | containers, restartPolicy, terminationGracePeriodSeconds | mapped (container-config.ts, the container supervisor) |
 * | hostname | mapped: the container's hostname (and HOSTNAME) |
 * | nodeName, schedulerName, nodeSelector, affinity, tolerations, topologySpreadConstraints, priority* | as for processes: one node |
 * | serviceAccountName, automountServiceAccountToken, enableServiceLinks, os, dnsPolicy | as for processes |
 * | imagePullSecrets | mapped: dockerconfigjson Secrets give the pull its credentials (runtime/docker/registry-auth.ts) |
 * | securityContext (pod) | runAsUser, runAsGroup, runAsNonRoot; runAsGroup without runAsUser and every other field refused |
 * | volumes | emptyDir (medium "" or Memory; sizeLimit with Memory only), hostPath (absolute path, a known type), configMap, secret; others refused |
 * | hostPID, hostIPC, shareProcessNamespace | false only: the container has its own PID and IPC namespaces |
 * | hostNetwork | false only: ports are published on loopback |
 * | initContainers, activeDeadlineSeconds, overhead, subdomain, setHostnameAsFQDN, dnsConfig, hostAliases | refused |
 *
 * And per container: image, imagePullPolicy, command, args, env (fieldRef to the pod's
 * metadata and spec.nodeName, configMapKeyRef, secretKeyRef), envFrom, workingDir, ports
 * (TCP; containerPort, hostPort, hostIP 127.0.0.1), resources (limits and requests of cpu and
 * memory, valid quantities, a request at most its limit), probes and hooks (exec in the
 * container, httpGet and tcpSocket to the published port, sleep), securityContext
 * (runAsUser, runAsGroup, runAsNonRoot, readOnlyRootFilesystem, capabilities,
 * allowPrivilegeEscalation), volumeMounts of the pod's volumes (name, mountPath, readOnly,
 * subPath and subPathExpr but on a Memory emptyDir) and resizePolicy are mapped; fieldRef to
 * status.podIP / status.hostIP, other resources and claims, the rest of securityContext, a
 * mount's propagation, stdin/tty,
 * stopSignal and a non-default termination message are refused.
 *
 * The shared walk (process-runtime-support.ts) judges everything but resources, volumes and
 * volumeMounts, which this runtime judges itself (dockerOwnErrors): its refusals of those
 * paths are dropped.
 */
import { at, type FieldError, forbidden, idx, invalid, show, unsupported } from './field-errors.ts'
import { entries, isRec, type Rec } from './guards.ts'
import { HOST_PATH_TYPES } from './process-volumes.ts'
import { milliCPU, memoryBytes, parseQuantity, QUANTITY_PATTERN } from './quantity.ts'
import { RUN_AS_FIELDS } from './run-as.ts'
import {
  FIELD_PATHS,
  PROCESS_REASONS,
  podSpecOf,
  type Reason,
  type Refusal,
  type RuntimeSupport,
  runtimeSupportErrors,
} from './process-runtime-support.ts'

const RT = 'the Docker runtime'

/** The process runtime's reasons, with those that are the runtime's own worded for containers. */
const DOCKER_REASONS: Readonly<Record<Reason, Refusal>> = {
  ...PROCESS_REASONS,
  initContainers: [`${RT} does not run init containers`, "run the step at the start of the container's command"],
  activeDeadlineSeconds: [`${RT} does not enforce activeDeadlineSeconds`, 'remove it, or stop the pod from a script'],
  volumes: [
    `${RT} mounts emptyDir, hostPath, configMap and secret volumes only`,
    'use one of those, or COPY the files into the image',
  ],
  claimMountField: [`${RT} does not mount volumeClaimTemplates`, 'remove the mount'],
  volumeMounts: [
    `${RT} does not mount volumeClaimTemplates; a mount names one of the pod's volumes`,
    'mount a hostPath or emptyDir volume instead',
  ],
  automountToken: [`${RT} never mounts a service account token`, 'remove it, or set it to false'],
  hostNetwork: [
    'containers run in their own network namespace, their ports published on 127.0.0.1',
    'remove hostNetwork',
  ],
  dns: [
    `${RT} has no cluster DNS and no per-pod resolver or /etc/hosts entries; the engine's resolver answers`,
    'reach Services through their load-balancer port; remove it',
  ],
  dnsPolicy: [
    `dnsPolicy None needs a per-pod resolver, which ${RT} does not configure`,
    "use ClusterFirst (the engine's resolver answers)",
  ],
  enableServiceLinks: [
    `${RT} does not inject Service environment variables ({SVC}_SERVICE_HOST)`,
    'set the address in env; remove enableServiceLinks',
  ],
  securityContext: [
    `${RT} applies runAsUser, runAsGroup, runAsNonRoot and, on a container, readOnlyRootFilesystem, capabilities and allowPrivilegeEscalation; no other field of a securityContext`,
    'remove it',
  ],
  stdin: [`${RT} does not attach a stdin or a terminal`, 'remove it, or set it to false'],
  stopSignal: [`${RT} stops containers with SIGTERM through the engine`, 'remove stopSignal; handle SIGTERM'],
  resources: [
    `${RT} applies limits and requests of cpu and memory only (the engine's cgroup settings); no other resource and no claims`,
    'remove it',
  ],
  terminationMessage: [
    `${RT} does not read a termination message`,
    'remove it (the default is /dev/termination-log, File)',
  ],
  protocol: [`${RT} publishes TCP ports only`, 'use protocol TCP'],
  hostIP: ['container ports are published on 127.0.0.1 only', 'remove hostIP'],
  fieldPath: [
    `${RT} fills metadata.name, metadata.namespace, metadata.uid, metadata.labels['K'], metadata.annotations['K'] and spec.nodeName; inside the container's own network namespace 127.0.0.1 is not the pod's or the host's address`,
    'use one of those paths; reach other pods through their Service port',
  ],
  probeHost: ["probes and hooks dial the container's published port on 127.0.0.1", 'remove host'],
  probeScheme: ['probes and hooks speak plain HTTP', 'use scheme HTTP, or a tcpSocket probe'],
}

const OWN_NAMESPACES: Refusal = [
  "a container has its own PID and IPC namespaces; the Docker runtime does not share the host's or the pod's",
  'remove it, or set it to false',
]

/** The securityContext fields mapped on a container (runtime/docker/security.ts); a pod's are RUN_AS_FIELDS. */
const CONTAINER_SECURITY_FIELDS = [
  ...RUN_AS_FIELDS,
  'readOnlyRootFilesystem',
  'capabilities',
  'allowPrivilegeEscalation',
]

export const DOCKER_SUPPORT: RuntimeSupport = {
  reasons: DOCKER_REASONS,
  securityContextFields: CONTAINER_SECURITY_FIELDS,
  claimMounts: false,
  fieldPaths: new Set([...FIELD_PATHS].filter((p) => p !== 'status.podIP' && p !== 'status.hostIP')),
  podValueRules: [
    ['hostPID', (v) => v === false, OWN_NAMESPACES],
    ['hostIPC', (v) => v === false, OWN_NAMESPACES],
    ['shareProcessNamespace', (v) => v === false, OWN_NAMESPACES],
  ],
}

/** Every field of `obj`'s pod spec that the Docker runtime would not map; [] for kinds without one. */
export function dockerRuntimeErrors(obj: unknown): FieldError[] {
  const shared = runtimeSupportErrors(obj, DOCKER_SUPPORT).filter((e) => !OWN_PATHS.test(e.field))
  return [...shared, ...groupWithoutUserErrors(obj), ...dockerOwnErrors(obj)]
}

/** The paths this runtime judges itself (dockerOwnErrors), not the shared walk. */
const OWN_PATHS = /\.(volumes|volumeMounts)\[\d+\]|\.containers\[\d+\]\.resources\./

const refuse = (path: string, [reason, fix]: Refusal): FieldError => forbidden(path, reason, `${path}: ${fix}.`)

const MOUNT_FIELDS_REFUSED: Refusal = [
  `${RT} binds a volume (or its subPath) privately at mountPath: no propagation`,
  'remove the field',
]
const MEMORY_SUB_PATH: Refusal = [
  `a Memory emptyDir is an engine volume, which ${RT}'s engine mounts whole`,
  'mount it whole, or use a disk emptyDir (no medium) for a subPath',
]
const POD_ONLY_RUN_AS: Refusal = [
  "readOnlyRootFilesystem, capabilities and allowPrivilegeEscalation are fields of a container's securityContext",
  "move it into each container's securityContext",
]
const DISK_SIZE_LIMIT: Refusal = [
  `${RT} does not watch an emptyDir's use of the disk (the kubelet evicts the pod past sizeLimit)`,
  'remove sizeLimit, or use medium: Memory (a tmpfs of that size)',
]

/** resources, volumes, volumeMounts and the container-only securityContext fields, as this runtime maps them. */
function dockerOwnErrors(obj: unknown): FieldError[] {
  const found = isRec(obj) ? podSpecOf(obj) : undefined
  if (!found) return []
  const [spec, path] = found
  const errs: FieldError[] = []
  const podSc = spec.securityContext
  if (isRec(podSc))
    for (const f of ['readOnlyRootFilesystem', 'capabilities', 'allowPrivilegeEscalation'])
      if (podSc[f] !== undefined) errs.push(refuse(at(path, 'securityContext', f), POD_ONLY_RUN_AS))
  const volumes = new Map<string, Rec>()
  for (const [i, v] of entries<Rec>(spec.volumes)) {
    const vp = idx(at(path, 'volumes'), i)
    if (typeof v.name === 'string') volumes.set(v.name, v)
    errs.push(...volumeErrors(v, vp))
  }
  for (const [i, c] of entries<Rec>(spec.containers)) {
    const cp = idx(at(path, 'containers'), i)
    errs.push(...resourceErrors(c.resources, at(cp, 'resources')))
    errs.push(...capabilityErrors(c.securityContext, at(cp, 'securityContext')))
    for (const [j, m] of entries<Rec>(c.volumeMounts)) {
      const mp = idx(at(cp, 'volumeMounts'), j)
      // validatePodSpec already refused a name that is neither a volume nor a StatefulSet's claim.
      if (typeof m.name === 'string' && !volumes.has(m.name)) errs.push(refuse(mp, DOCKER_REASONS.volumeMounts))
      for (const f of ['mountPropagation', 'recursiveReadOnly'])
        if (m[f] !== undefined && m[f] !== '' && m[f] !== 'None' && m[f] !== 'Disabled')
          errs.push(refuse(at(mp, f), MOUNT_FIELDS_REFUSED))
      const v = typeof m.name === 'string' ? volumes.get(m.name) : undefined
      for (const f of ['subPath', 'subPathExpr'])
        if (m[f] && isRec(v?.emptyDir) && v.emptyDir.medium === 'Memory') errs.push(refuse(at(mp, f), MEMORY_SUB_PATH))
    }
  }
  return errs
}

function volumeErrors(v: Rec, vp: string): FieldError[] {
  if (isRec(v.emptyDir)) {
    const e = v.emptyDir
    const medium = e.medium ?? ''
    if (medium !== '' && medium !== 'Memory')
      return [
        unsupported(
          at(vp, 'emptyDir', 'medium'),
          medium,
          ['', 'Memory'],
          `${at(vp, 'emptyDir', 'medium')}: remove it (disk) or set Memory (tmpfs).`,
        ),
      ]
    if (e.sizeLimit === undefined) return []
    if (medium !== 'Memory') return [refuse(at(vp, 'emptyDir', 'sizeLimit'), DISK_SIZE_LIMIT)]
    return quantityErrors(e.sizeLimit, at(vp, 'emptyDir', 'sizeLimit'))
  }
  if (isRec(v.hostPath)) {
    const h = v.hostPath
    const errs: FieldError[] = []
    // validatePodSpec already refused a path that is not absolute.
    if (h.type !== undefined && !HOST_PATH_TYPES.includes(String(h.type)))
      errs.push(
        unsupported(
          at(vp, 'hostPath', 'type'),
          h.type,
          HOST_PATH_TYPES,
          `${at(vp, 'hostPath', 'type')}: use one of the listed types, or remove it.`,
        ),
      )
    return errs
  }
  if (isRec(v.configMap) || isRec(v.secret)) return []
  const source = Object.keys(v).find((k) => k !== 'name')
  return [refuse(source ? at(vp, source) : vp, DOCKER_REASONS.volumes)]
}

const RESOURCE_NAMES = ['cpu', 'memory']

function quantityErrors(q: unknown, field: string): FieldError[] {
  const v = parseQuantity(q)
  if (v === undefined)
    return [
      invalid(
        field,
        q,
        `quantities must match the regular expression '${QUANTITY_PATTERN}'`,
        `${field}: write a quantity such as 500m or 1 (cpu), 128Mi or 1G (memory).`,
      ),
    ]
  if (v < 0) return [invalid(field, q, 'must be greater than or equal to 0', `${field}: give a positive quantity.`)]
  return []
}

/** limits and requests of cpu and memory, each a valid quantity and a request at most its limit (kube-apiserver's rule). */
function resourceErrors(resources: unknown, rp: string): FieldError[] {
  if (!isRec(resources)) return []
  const errs: FieldError[] = []
  if (resources.claims !== undefined) errs.push(refuse(at(rp, 'claims'), DOCKER_REASONS.resources))
  for (const kind of ['limits', 'requests'] as const) {
    const values = resources[kind]
    if (!isRec(values)) continue
    for (const [k, q] of Object.entries(values)) {
      const field = `${at(rp, kind)}[${show(k)}]`
      if (!RESOURCE_NAMES.includes(k)) errs.push(refuse(field, DOCKER_REASONS.resources))
      else errs.push(...quantityErrors(q, field))
    }
  }
  const limits = isRec(resources.limits) ? resources.limits : {}
  const requests = isRec(resources.requests) ? resources.requests : {}
  for (const k of RESOURCE_NAMES) {
    const of = k === 'cpu' ? milliCPU : memoryBytes
    const [limit, request] = [of(limits[k]), of(requests[k])]
    if (limit !== undefined && request !== undefined && request > limit) {
      const field = `${at(rp, 'requests')}[${show(k)}]`
      errs.push(
        invalid(
          field,
          requests[k],
          `must be less than or equal to ${k} limit of ${String(limits[k])}`,
          `${field}: lower the request, or raise the limit.`,
        ),
      )
    }
  }
  return errs
}

/** capabilities.add/drop are lists of capability names; no-new-privileges cannot stand beside CAP_SYS_ADMIN (kube-apiserver's rule). */
function capabilityErrors(sc: unknown, sp: string): FieldError[] {
  if (!isRec(sc)) return []
  const errs: FieldError[] = []
  const caps = sc.capabilities
  if (caps !== undefined && !isRec(caps))
    return [
      invalid(
        at(sp, 'capabilities'),
        caps,
        'must be an object with add and drop',
        `${at(sp, 'capabilities')}: write { add: [NET_ADMIN], drop: [ALL] }.`,
      ),
    ]
  const added: string[] = []
  for (const [k, list] of Object.entries(isRec(caps) ? caps : {})) {
    const cp = at(sp, 'capabilities', k)
    if (k !== 'add' && k !== 'drop') {
      errs.push(unsupported(cp, k, ['add', 'drop'], `${cp}: remove it.`))
      continue
    }
    for (const [i, name] of (Array.isArray(list) ? list : [list]).entries()) {
      if (typeof name !== 'string' || !/^(CAP_)?[A-Z][A-Z0-9_]*$/.test(name))
        errs.push(
          invalid(
            idx(cp, i),
            name,
            'must be a capability name such as NET_ADMIN, or ALL',
            `${idx(cp, i)}: write the name in capitals, as capabilities(7) lists it.`,
          ),
        )
      else if (k === 'add') added.push(name.replace(/^CAP_/, ''))
    }
  }
  if (sc.allowPrivilegeEscalation === false && added.includes('SYS_ADMIN'))
    errs.push(
      invalid(
        at(sp, 'allowPrivilegeEscalation'),
        false,
        'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
        `${at(sp, 'allowPrivilegeEscalation')}: remove it, or do not add SYS_ADMIN.`,
      ),
    )
  return errs
}

/**
 * runAsGroup with no runAsUser (the container's or the pod's): Kubernetes runs the image's user
 * with that group, which the engine cannot express (its User is `uid[:gid]`).
 */
function groupWithoutUserErrors(obj: unknown): FieldError[] {
  const found = isRec(obj) ? podSpecOf(obj) : undefined
  if (!found) return []
  const [spec, path] = found
  const of = (sc: unknown, field: string) => (isRec(sc) ? sc[field] : undefined)
  const errs: FieldError[] = []
  for (const [i, c] of entries<Rec>(spec.containers)) {
    if (of(c.securityContext, 'runAsUser') !== undefined || of(spec.securityContext, 'runAsUser') !== undefined)
      continue
    const where =
      of(c.securityContext, 'runAsGroup') !== undefined
        ? at(idx(at(path, 'containers'), i), 'securityContext', 'runAsGroup')
        : of(spec.securityContext, 'runAsGroup') !== undefined
          ? at(path, 'securityContext', 'runAsGroup')
          : undefined
    if (where && !errs.some((e) => e.field === where))
      errs.push(
        forbidden(
          where,
          `${RT} sets the container's user as uid[:gid]: a group needs the user to run as`,
          `${where}: set runAsUser too (the uid the image's USER names), or remove runAsGroup.`,
        ),
      )
  }
  return errs
}
