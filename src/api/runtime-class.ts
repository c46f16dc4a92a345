/**
 * @module
 * RuntimeClass (node.k8s.io/v1): which runtime runs a pod. Baton has two, built in and never
 * stored: `process` (supervised processes, src/runtime/process) and `docker` (containers of a
 * Docker engine, src/runtime/docker); their handler is their name. A pod names one with
 * `spec.runtimeClassName`; without it the pod runs on the node's default runtime, the one
 * `baton up --runtime` chose (as the kubelet uses its default handler). A node runs the
 * process runtime always and the Docker runtime when it was started with `--runtime docker`,
 * so a pod that asks for a runtime its node does not run is refused at admission, naming the
 * field, instead of waiting for ever. Pure.
 */
import { at, type FieldError, forbidden, unsupported } from './field-errors.ts'
import { isRec } from './guards.ts'
import { podSpecOf } from './process-runtime-support.ts'
import type { PodSpec, Timestamp } from './types.ts'

export const RUNTIME_CLASS_NAMES = ['process', 'docker'] as const
export type RuntimeClassName = (typeof RUNTIME_CLASS_NAMES)[number]

export interface RuntimeClass {
  apiVersion: 'node.k8s.io/v1'
  kind: 'RuntimeClass'
  metadata: { name: string; creationTimestamp?: Timestamp }
  handler: string
}

export interface RuntimeClassList {
  apiVersion: 'node.k8s.io/v1'
  kind: 'RuntimeClassList'
  items: RuntimeClass[]
}

/** The runtimes a node runs, and the one a pod without runtimeClassName gets. */
export interface NodeRuntimes {
  default: RuntimeClassName
  available: readonly RuntimeClassName[]
  /** The process runtime mounts volumes here (a root daemon with overlayfs, docs/isolation.md). */
  processMounts?: boolean
}

/** A node started with `--runtime <name>`: process always, docker too when it is the default. */
export function nodeRuntimes(defaultRuntime: RuntimeClassName): NodeRuntimes {
  return { default: defaultRuntime, available: defaultRuntime === 'docker' ? ['docker', 'process'] : ['process'] }
}

export const PROCESS_ONLY: NodeRuntimes = nodeRuntimes('process')

/** The built-in RuntimeClass objects; `since` is when the daemon started (their age). */
export function builtinRuntimeClasses(since?: Timestamp): RuntimeClass[] {
  return RUNTIME_CLASS_NAMES.map((name) => ({
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name, ...(since ? { creationTimestamp: since } : {}) },
    handler: name,
  }))
}

/** The runtime that runs a pod on a node whose default is `defaultRuntime`. */
export function podRuntime(spec: Pick<PodSpec, 'runtimeClassName'>, defaultRuntime: RuntimeClassName): string {
  return spec.runtimeClassName || defaultRuntime
}

/**
 * runtimeClassName of `obj`'s pod spec: a RuntimeClass that does not exist, or one this node
 * does not run, as a field error with the fix; [] otherwise (and for other kinds).
 */
export function runtimeClassErrors(obj: unknown, node: NodeRuntimes): FieldError[] {
  if (!isRec(obj)) return []
  const found = podSpecOf(obj)
  if (!found) return []
  const [spec, path] = found
  const name = spec.runtimeClassName
  if (name === undefined || name === null || name === '') return []
  const field = at(path, 'runtimeClassName')
  if (!(RUNTIME_CLASS_NAMES as readonly unknown[]).includes(name)) {
    return [
      unsupported(
        field,
        name,
        RUNTIME_CLASS_NAMES,
        `${field}: RuntimeClass ${JSON.stringify(name)} not found; Baton's are process and docker (baton get runtimeclass).`,
      ),
    ]
  }
  if (node.available.includes(name as RuntimeClassName)) return []
  return [
    forbidden(
      field,
      `this node runs the ${node.available.join(' and ')} runtime${node.available.length > 1 ? 's' : ''}, not ${name}`,
      name === 'docker'
        ? `${field}: start the daemon with \`baton up --runtime docker\` (a data directory of its own; it needs a Docker engine at DOCKER_HOST), which runs both runtimes; or remove runtimeClassName to run the pod as processes.`
        : `${field}: remove runtimeClassName to run the pod on the node's default runtime.`,
    ),
  ]
}
