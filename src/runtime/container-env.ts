/**
 * @module
 * A container's environment and argv, as the kubelet builds them, plus Baton's port
 * variables. Pure: the caller passes the base environment and ConfigMap and Secret lookups.
 *
 * Order (later wins, except over Baton's port variables): the base environment (PATH, HOME… of the daemon, since a process has
 * no image to carry its own), Kubernetes-style pod variables (POD_NAME, POD_NAMESPACE,
 * POD_IP, HOSTNAME: spec.hostname or the pod's name; with a subdomain, BATON_PEERS_FILE and
 * BATON_PEER_NAME, see peer-records.ts), Baton's port variables (PORT: the container's first port,
 * BATON_PORT_<NAME> for each named port), then every key of the container's `envFrom` sources in
 * order (prefixed), then its `env` in order (each value
 * may reference earlier ones as `$(NAME)`). Baton owns PORT: manifests written for Kubernetes
 * often set `PORT=8080` to match containerPort 8080, and honouring that would make ten
 * replicas fight over one port, so the allocated loopback port replaces it.
 *
 * ConfigMaps and Secrets are read when the container starts, as the kubelet reads them: one
 * that is missing (or lacks the key), unless marked optional, is an error in the kubelet's words,
 * which keeps the container waiting (CreateContainerConfigError) until it appears.
 */
import type { ConfigMap, Container, EnvFromSource, Pod, Secret } from '../api/types.ts'
import { secretText } from '../api/secret.ts'
import { peerEnv } from './peer-records.ts'
import type { PortMapping } from './port-mapping.ts'

export const POD_IP = '127.0.0.1'

export type EnvResult = { env: Record<string, string> } | { error: string }

export interface EnvInput {
  pod: Pod
  container: Container
  portMappings: readonly PortMapping[]
  baseEnv: Record<string, string>
  configMap(namespace: string, name: string): ConfigMap | undefined
  secret(namespace: string, name: string): Secret | undefined
  /** Where the headless Services' peers files are (peers-files.ts); absent: no peer variables. */
  peersDir?: string
}

export function containerEnv(input: EnvInput): EnvResult {
  const { pod, container, portMappings } = input
  const env: Record<string, string> = { ...input.baseEnv }
  env.POD_NAME = pod.metadata.name
  env.POD_NAMESPACE = pod.metadata.namespace ?? 'default'
  env.POD_IP = POD_IP
  env.HOSTNAME = pod.spec.hostname ?? pod.metadata.name
  if (input.peersDir !== undefined) Object.assign(env, peerEnv(pod, input.peersDir))
  const ports = portEnv(container.name, portMappings)
  Object.assign(env, ports)
  for (const source of container.envFrom ?? []) {
    const resolved = envFromSource(source, input)
    if ('error' in resolved) return resolved
    for (const [name, value] of Object.entries(resolved.env)) if (!Object.hasOwn(ports, name)) env[name] = value
  }
  for (const v of container.env ?? []) {
    if (Object.hasOwn(ports, v.name)) continue // Baton's port variables win, even for $(PORT) below
    if (v.valueFrom) {
      const resolved = valueFrom(v.valueFrom, input)
      if ('error' in resolved)
        return resolved.kubelet ? { error: resolved.error } : { error: `env ${v.name}: ${resolved.error}` }
      if (resolved.value !== undefined) env[v.name] = resolved.value
    } else env[v.name] = expandRefs(v.value ?? '', env)
  }
  return { env }
}

/** The values of a ConfigMap or Secret by key (a Secret's decoded); undefined when there is none. */
function lookup(input: EnvInput, kind: 'configmap' | 'secret', name: string): Record<string, string> | undefined {
  const namespace = input.pod.metadata.namespace ?? 'default'
  if (kind === 'configmap') {
    const cm = input.configMap(namespace, name)
    return cm ? { ...cm.data } : undefined
  }
  const secret = input.secret(namespace, name)
  if (!secret) return undefined
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, secretText(v)]))
}

function envFromSource(source: EnvFromSource, input: EnvInput): EnvResult {
  const [kind, ref] = source.secretRef
    ? (['secret', source.secretRef] as const)
    : (['configmap', source.configMapRef] as const)
  if (!ref) return { error: 'envFrom names no source' }
  const values = lookup(input, kind, ref.name)
  if (!values) return ref.optional ? { env: {} } : { error: `${kind} "${ref.name}" not found` }
  const prefix = source.prefix ?? ''
  return { env: Object.fromEntries(Object.entries(values).map(([k, v]) => [prefix + k, v])) }
}

/** A key of a ConfigMap or Secret: its value, nothing (optional), or the kubelet's error. */
function keyRef(
  input: EnvInput,
  kind: 'configmap' | 'secret',
  ref: { name: string; key: string; optional?: boolean | undefined },
): { value: string | undefined } | { error: string; kubelet: true } {
  const values = lookup(input, kind, ref.name)
  const value = values?.[ref.key]
  if (value !== undefined) return { value }
  if (ref.optional) return { value: undefined }
  if (!values) return { error: `${kind} "${ref.name}" not found`, kubelet: true }
  const namespace = input.pod.metadata.namespace ?? 'default'
  const kindName = kind === 'secret' ? 'Secret' : 'ConfigMap'
  return { error: `couldn't find key ${ref.key} in ${kindName} ${namespace}/${ref.name}`, kubelet: true }
}

export function portEnv(containerName: string, mappings: readonly PortMapping[]): Record<string, string> {
  const mine = mappings.filter((m) => m.containerName === containerName)
  const out: Record<string, string> = {}
  if (mine[0]) out.PORT = String(mine[0].hostPort)
  for (const m of mine) if (m.name) out[`BATON_PORT_${envName(m.name)}`] = String(m.hostPort)
  return out
}

/** "metrics-http" → "METRICS_HTTP". */
export function envName(portName: string): string {
  return portName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')
}

/**
 * Kubernetes' $(VAR) expansion for env values, command and args: `$(NAME)` becomes the
 * variable's value when defined and stays as written otherwise; `$$(NAME)` escapes to the
 * literal `$(NAME)`.
 */
export function expandRefs(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$'
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] as string) : match
  })
}

/** command + args with $(VAR) references expanded against the container's environment. */
export function containerArgv(container: Container, env: Record<string, string>): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])].map((a) => expandRefs(a, env))
}

function valueFrom(
  source: NonNullable<Container['env']>[number]['valueFrom'] & object,
  input: EnvInput,
): { value: string | undefined } | { error: string; kubelet?: true } {
  const { pod } = input
  if (source.fieldRef) {
    const value = podField(pod, source.fieldRef.fieldPath)
    return value === undefined ? { error: `unsupported fieldPath "${source.fieldRef.fieldPath}"` } : { value }
  }
  if (source.configMapKeyRef) return keyRef(input, 'configmap', source.configMapKeyRef)
  if (source.secretKeyRef) return keyRef(input, 'secret', source.secretKeyRef)
  return { error: 'valueFrom names no source' }
}

const LABEL_PATH = /^metadata\.(labels|annotations)\['([^']+)'\]$/

function podField(pod: Pod, path: string): string | undefined {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default'
    case 'metadata.uid':
      return pod.metadata.uid ?? ''
    case 'spec.nodeName':
      return pod.spec.nodeName ?? ''
    case 'status.podIP':
    case 'status.hostIP':
      return POD_IP
  }
  const m = LABEL_PATH.exec(path)
  if (!m) return undefined
  const map = m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations
  return map?.[m[2] as string] ?? ''
}
