/**
 * @module
 * Rules for a pod spec (pods and pod templates): containers, ports, probes, lifecycle hooks,
 * env and volumes. Runs on the defaulted object, so probe timings and protocols are set.
 */
import {
  type FieldError,
  at,
  duplicate,
  forbidden,
  idx,
  invalid,
  invalidAll,
  notFound,
  required,
} from './field-errors.ts'
import { isImageReferenceError, parseImageReference } from './image-reference.ts'
import { localDescendingPathErrors } from './local-path.ts'
import { entries, isInt, isNonEmptyString, isPresent, isRec, type Rec } from './guards.ts'
import { nonNegative } from './validate-meta.ts'
import { dns1123LabelErrors, portNameErrors, portNumberErrors } from './names.ts'
import type { Container, EnvFromSource, EnvVar, LifecycleHandler, PodSpec, Probe } from './types.ts'

const PORT_HINT = 'Ports are numbers from 1 to 65535; port names are up to 15 lower-case letters, digits and "-".'
const NAME_HINT = 'Container and volume names are DNS labels: lower-case letters, digits and "-" (e.g. web).'
const IMAGE_REF_HINT =
  'An image is a Docker reference: [REGISTRY[:PORT]/]NAME[:TAG][@sha256:DIGEST], the name lower-case, e.g. web:v2 or registry.example.com/team/web:1.4.'
const IMAGE_HINT = 'Name the image or artifact to run, e.g. image: web:v2.'
const HANDLERS = ['exec', 'httpGet', 'tcpSocket'] as const

/** A port given by number or by name (probes, Service targetPort). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return invalidAll(path, port, portNumberErrors(port), PORT_HINT)
  if (port === '') return [required(path)]
  if (typeof port === 'string') return invalidAll(path, port, portNameErrors(port), PORT_HINT)
  return []
}

/** Exactly one action (exec, httpGet, tcpSocket; lifecycle hooks also sleep) per handler. */
function validateHandler(h: Rec, path: string, kinds: readonly string[]): FieldError[] {
  const present = kinds.filter((k) => h[k] !== undefined)
  const errs: FieldError[] = []
  if (present.length === 0) {
    errs.push(required(path, 'must specify a handler type', `Give the handler one of: ${kinds.join(', ')}.`))
  }
  for (const extra of present.slice(1))
    errs.push(forbidden(at(path, extra), 'may not specify more than 1 handler type'))
  if (isRec(h.exec) && !(Array.isArray(h.exec.command) && h.exec.command.length > 0)) {
    errs.push(required(at(path, 'exec', 'command')))
  }
  if (isRec(h.httpGet)) errs.push(...validatePortNumOrName(h.httpGet.port, at(path, 'httpGet', 'port')))
  if (isRec(h.tcpSocket)) errs.push(...validatePortNumOrName(h.tcpSocket.port, at(path, 'tcpSocket', 'port')))
  return errs
}

function validateProbe(
  probe: Probe | undefined,
  path: string,
  which: 'readiness' | 'liveness' | 'startup',
): FieldError[] {
  if (!isPresent(probe)) return []
  const errs = validateHandler(probe as unknown as Rec, path, HANDLERS)
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    errs.push(...nonNegative(probe[f], at(path, f)))
  }
  // Liveness and startup probes act on the first success; only readiness can demand a streak.
  if (which !== 'readiness' && isInt(probe.successThreshold) && probe.successThreshold !== 1) {
    errs.push(invalid(at(path, 'successThreshold'), probe.successThreshold, 'must be 1'))
  }
  if (which === 'readiness' && probe.terminationGracePeriodSeconds !== undefined) {
    const grace = probe.terminationGracePeriodSeconds
    errs.push(invalid(at(path, 'terminationGracePeriodSeconds'), grace, 'must not be set for readinessProbes'))
  }
  return errs
}

function validateLifecycleHandler(h: LifecycleHandler | undefined, path: string, grace: number): FieldError[] {
  if (!isPresent(h)) return []
  const errs = validateHandler(h as unknown as Rec, path, [...HANDLERS, 'sleep'])
  const seconds = isPresent(h.sleep) ? h.sleep.seconds : undefined
  if (isInt(seconds) && (seconds < 0 || seconds > grace)) {
    const detail = `must be non-negative and less than terminationGracePeriodSeconds (${grace})`
    errs.push(invalid(at(path, 'sleep', 'seconds'), seconds, detail))
  }
  return errs
}

const ENV_NAME_DETAIL =
  "a valid environment variable name must consist only of printable ASCII characters other than '='"

/** Kubernetes' relaxed environment variable names (RelaxedEnvironmentVariableValidation, GA). */
function isEnvVarName(name: string): boolean {
  return !name.includes('=') && /^[\x20-\x7e]+$/.test(name)
}

/** As ValidateEnvFrom: one source per entry, and a prefix that keeps every name valid. */
function validateEnvFrom(envFrom: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [i, e] of entries<EnvFromSource>(envFrom)) {
    const p = idx(path, i)
    if (isNonEmptyString(e.prefix) && !isEnvVarName(e.prefix))
      errs.push(invalid(at(p, 'prefix'), e.prefix, ENV_NAME_DETAIL))
    const sources = [e.configMapRef, e.secretRef].filter((s) => s !== undefined)
    if (sources.length === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'))
    if (sources.length > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'))
  }
  return errs
}

function validateEnv(env: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [i, e] of entries<EnvVar>(env)) {
    const p = idx(path, i)
    if (!isNonEmptyString(e.name)) errs.push(required(at(p, 'name')))
    else if (!isEnvVarName(e.name)) errs.push(invalid(at(p, 'name'), e.name, ENV_NAME_DETAIL))
    if (!isRec(e.valueFrom)) continue
    if (isNonEmptyString(e.value))
      errs.push(invalid(at(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'))
    const sources = Object.keys(e.valueFrom).filter((k) => e.valueFrom?.[k as keyof typeof e.valueFrom] !== undefined)
    if (sources.length === 0)
      errs.push(invalid(at(p, 'valueFrom'), '', 'must specify one of: `fieldRef`, `configMapKeyRef` or `secretKeyRef`'))
    if (sources.length > 1)
      errs.push(invalid(at(p, 'valueFrom'), '', 'may not have more than one field specified at a time'))
  }
  return errs
}

function validatePorts(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = []
  const names = new Set<string>()
  for (const [i, port] of entries<NonNullable<Container['ports']>[number]>(c.ports)) {
    const p = idx(path, i)
    if (isNonEmptyString(port.name)) {
      errs.push(...invalidAll(at(p, 'name'), port.name, portNameErrors(port.name), PORT_HINT))
      if (names.has(port.name))
        errs.push(duplicate(at(p, 'name'), port.name, 'Give each port of a container its own name.'))
      names.add(port.name)
    }
    if (port.containerPort === 0) errs.push(required(at(p, 'containerPort')))
    else if (isInt(port.containerPort)) {
      errs.push(
        ...invalidAll(at(p, 'containerPort'), port.containerPort, portNumberErrors(port.containerPort), PORT_HINT),
      )
    }
    if (isInt(port.hostPort) && port.hostPort !== 0) {
      errs.push(...invalidAll(at(p, 'hostPort'), port.hostPort, portNumberErrors(port.hostPort), PORT_HINT))
    }
  }
  return errs
}

/** What the kubelet would report as InvalidImageName, refused at apply instead. */
function imageErrors(image: string, path: string): FieldError[] {
  const parsed = parseImageReference(image)
  if (!isImageReferenceError(parsed)) return []
  const detail =
    parsed.error === 'invalid reference format' ? parsed.error : `invalid reference format: ${parsed.error}`
  return [invalid(path, image, `${detail} (InvalidImageName)`, IMAGE_REF_HINT)]
}

function validateContainer(c: Container, path: string, volumes: Set<string>, grace: number): FieldError[] {
  const errs: FieldError[] = []
  if (!isNonEmptyString(c.image)) errs.push(required(at(path, 'image'), '', IMAGE_HINT))
  else errs.push(...imageErrors(c.image, at(path, 'image')))
  errs.push(...validatePorts(c, at(path, 'ports')))
  errs.push(...validateEnv(c.env, at(path, 'env')))
  errs.push(...validateEnvFrom(c.envFrom, at(path, 'envFrom')))
  errs.push(...validateProbe(c.readinessProbe, at(path, 'readinessProbe'), 'readiness'))
  errs.push(...validateProbe(c.livenessProbe, at(path, 'livenessProbe'), 'liveness'))
  errs.push(...validateProbe(c.startupProbe, at(path, 'startupProbe'), 'startup'))
  if (isPresent(c.lifecycle)) {
    errs.push(...validateLifecycleHandler(c.lifecycle.postStart, at(path, 'lifecycle', 'postStart'), grace))
    errs.push(...validateLifecycleHandler(c.lifecycle.preStop, at(path, 'lifecycle', 'preStop'), grace))
  }
  const mountPaths = new Set<string>()
  for (const [i, m] of entries<NonNullable<Container['volumeMounts']>[number]>(c.volumeMounts)) {
    const p = idx(at(path, 'volumeMounts'), i)
    if (!isNonEmptyString(m.name)) errs.push(required(at(p, 'name')))
    else if (!volumes.has(m.name))
      errs.push(notFound(at(p, 'name'), m.name, 'Mount only volumes declared under spec.volumes.'))
    if (!isNonEmptyString(m.mountPath)) errs.push(required(at(p, 'mountPath')))
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(at(p, 'mountPath'), m.mountPath, 'must be unique'))
    else mountPaths.add(m.mountPath)
    errs.push(...subPathErrors(m, p))
  }
  return errs
}

const SUB_PATH_HINT = 'Name a path inside the volume, relative to its root, e.g. app.conf or logs/web.'

/** ValidateVolumeMounts' rules for subPath and subPathExpr: paths inside the volume, not both. */
function subPathErrors(m: { subPath?: unknown; subPathExpr?: unknown }, p: string): FieldError[] {
  const errs: FieldError[] = []
  if (isNonEmptyString(m.subPath)) errs.push(...localDescendingPathErrors(at(p, 'subPath'), m.subPath, SUB_PATH_HINT))
  if (isNonEmptyString(m.subPathExpr)) {
    if (isNonEmptyString(m.subPath))
      errs.push(
        invalid(
          at(p, 'subPathExpr'),
          m.subPathExpr,
          'subPathExpr and subPath are mutually exclusive',
          'Keep one of them: subPath for a fixed path, subPathExpr for one naming $(VAR)s.',
        ),
      )
    errs.push(...localDescendingPathErrors(at(p, 'subPathExpr'), m.subPathExpr, SUB_PATH_HINT))
  }
  return errs
}

const ITEM_PATH_HINT = 'Name the file relative to the mountPath, e.g. config/app.yaml.'

/** validateKeyToPath: each item names a key and a file inside the volume, on every runtime. */
function keyToPathErrors(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const [i, item] of entries<Rec>(items)) {
    const p = idx(path, i)
    if (!isNonEmptyString(item.key)) errs.push(required(at(p, 'key'), '', 'Name the key of the ConfigMap or Secret.'))
    if (!isNonEmptyString(item.path)) errs.push(required(at(p, 'path'), '', ITEM_PATH_HINT))
    else errs.push(...localDescendingPathErrors(at(p, 'path'), item.path, ITEM_PATH_HINT))
  }
  return errs
}

function validateVolumes(volumes: PodSpec['volumes'], path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = []
  const names = new Set<string>()
  for (const [i, v] of entries<Rec & { name?: unknown }>(volumes)) {
    const p = idx(path, i)
    if (!isNonEmptyString(v.name)) errs.push(required(at(p, 'name')))
    else {
      errs.push(...invalidAll(at(p, 'name'), v.name, dns1123LabelErrors(v.name), NAME_HINT))
      if (names.has(v.name)) errs.push(duplicate(at(p, 'name'), v.name))
      names.add(v.name)
    }
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined)
    for (const extra of sources.slice(1)) errs.push(forbidden(at(p, extra), 'may not specify more than 1 volume type'))
    if (isRec(v.configMap) && !isNonEmptyString(v.configMap.name)) errs.push(required(at(p, 'configMap', 'name')))
    if (isRec(v.secret) && !isNonEmptyString(v.secret.secretName)) errs.push(required(at(p, 'secret', 'secretName')))
    for (const source of ['configMap', 'secret'] as const)
      if (isRec(v[source])) errs.push(...keyToPathErrors((v[source] as Rec).items, at(p, source, 'items')))
    if (isRec(v.hostPath) && !(typeof v.hostPath.path === 'string' && v.hostPath.path.startsWith('/'))) {
      errs.push(invalid(at(p, 'hostPath', 'path'), v.hostPath.path, 'must be an absolute path'))
    }
  }
  return { errs, names }
}

/** Every rule of ValidatePodSpec that Baton's subset of fields exercises. */
/** `claims`: a StatefulSet's volumeClaimTemplates, which its containers mount as volumes. */
export function validatePodSpec(
  spec: PodSpec | undefined,
  path: string,
  claims: ReadonlySet<string> = new Set(),
): FieldError[] {
  const s: Partial<PodSpec> = isRec(spec) ? spec : {}
  const { errs, names } = validateVolumes(s.volumes, at(path, 'volumes'))
  const volumeNames = new Set([...names, ...claims])
  const grace = isInt(s.terminationGracePeriodSeconds) ? s.terminationGracePeriodSeconds : 30
  if (!Array.isArray(s.containers) || s.containers.length === 0) {
    errs.push(required(at(path, 'containers'), '', 'Declare at least one container with a name and an image.'))
  }
  const containerNames = new Set<string>()
  const lists = [
    ['initContainers', s.initContainers],
    ['containers', s.containers],
  ] as const
  for (const [field, list] of lists) {
    for (const [i, c] of entries<Container>(list)) {
      const p = idx(at(path, field), i)
      if (!isNonEmptyString(c.name)) errs.push(required(at(p, 'name')))
      else {
        errs.push(...invalidAll(at(p, 'name'), c.name, dns1123LabelErrors(c.name), NAME_HINT))
        if (containerNames.has(c.name))
          errs.push(duplicate(at(p, 'name'), c.name, 'Give every container of a pod its own name.'))
        containerNames.add(c.name)
      }
      errs.push(...validateContainer(c, p, volumeNames, grace))
    }
  }
  errs.push(...nonNegative(s.terminationGracePeriodSeconds, at(path, 'terminationGracePeriodSeconds')))
  if (isInt(s.activeDeadlineSeconds) && s.activeDeadlineSeconds < 1) {
    errs.push(
      invalid(
        at(path, 'activeDeadlineSeconds'),
        s.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    )
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = s[f]
    if (isNonEmptyString(v)) errs.push(...invalidAll(at(path, f), v, dns1123LabelErrors(v)))
  }
  return errs
}
