/**
 * @module
 * The pod-template hash that names a Deployment's ReplicaSets, and template equality.
 *
 * Kubernetes hashes the template with FNV-32a (plus status.collisionCount when set) and prints
 * the 32-bit sum as a decimal string whose digits are mapped through a vowel-free alphabet
 * (rand.SafeEncodeString), so names like "web-5d4f8c7b9" never spell words. Kubernetes feeds
 * FNV a Go-specific dump of the struct; Baton feeds it canonical JSON (keys sorted, empty
 * values dropped), which is deterministic and insensitive to key order.
 */
import type { PodTemplateSpec } from '../api/types.ts'

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash'

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
/** FNV's 32-bit offset basis and prime (Go's hash/fnv), for fnv32a here and the StatefulSet's fnv32. */
export const FNV_OFFSET = 0x811c9dc5
export const FNV_PRIME = 0x01000193
/** DNS subdomain names are at most 253 characters. */
const MAX_NAME_LENGTH = 253
/** 253 − "-" − the longest possible hash (10 digits of a uint32). */
const MAX_PREFIX_LENGTH = 242

export function fnv32a(bytes: Uint8Array, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0
  for (const b of bytes) {
    h ^= b
    h = Math.imul(h, FNV_PRIME) >>> 0
  }
  return h
}

/** Maps each character through the safe alphabet by char code, as Kubernetes does for digits. */
export function safeEncodeString(s: string): string {
  let out = ''
  for (const ch of s) out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length]
  return out
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (Array.isArray(v)) return v.length === 0
  return typeof v === 'object' && Object.keys(v as object).length === 0
}

/** Drops undefined/null/empty properties (recursively) and sorts object keys. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = normalize((value as Record<string, unknown>)[key])
    if (!isEmpty(v)) out[key] = v
  }
  return out
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null'
}

/**
 * The template hash. collisionCount is mixed in as 8 bytes (uint32 little-endian, then four
 * zero bytes), exactly as Kubernetes writes it.
 *
 * @example computeHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [...] } }) // "5d4f8c7b9"-like
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = memo(hashes, template, () => fnv32a(new TextEncoder().encode(canonicalJson(template))))
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true)
    h = fnv32a(bytes, h)
  }
  return safeEncodeString(String(h))
}

/** `<deployment>-<hash>`; the deployment part is cut to 242 characters if the name would pass 253. */
export function replicaSetName(deploymentName: string, hash: string): string {
  const prefix =
    deploymentName.length + 1 + hash.length > MAX_NAME_LENGTH
      ? deploymentName.slice(0, MAX_PREFIX_LENGTH)
      : deploymentName
  return `${prefix}-${hash}`
}

/**
 * Values the API server fills in when a field is left out. Equality ignores them so that a
 * template that spells out a default equals one that omits it, as two defaulted Kubernetes
 * objects would.
 */
const POD_DEFAULTS: Record<string, unknown> = {
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
}
const CONTAINER_DEFAULTS: Record<string, unknown> = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
}
const PROBE_DEFAULTS: Record<string, unknown> = {
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
}

function withoutDefaults(obj: unknown, defaults: Record<string, unknown>): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return obj
  const out: Record<string, unknown> = { ...(obj as Record<string, unknown>) }
  for (const [k, v] of Object.entries(defaults)) if (out[k] === v) delete out[k]
  return out
}

function stripContainer(c: unknown): unknown {
  const out = withoutDefaults(c, CONTAINER_DEFAULTS) as Record<string, unknown>
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const p = withoutDefaults(out[probe], PROBE_DEFAULTS) as Record<string, unknown> | undefined
    if (p && typeof p === 'object' && p.httpGet && typeof p.httpGet === 'object') {
      p.httpGet = withoutDefaults(p.httpGet, { scheme: 'HTTP' })
    }
    if (p !== undefined) out[probe] = p
  }
  if (Array.isArray(out.ports)) out.ports = out.ports.map((port) => withoutDefaults(port, { protocol: 'TCP' }))
  return out
}

function comparable(t: PodTemplateSpec): unknown {
  const labels = { ...(t.metadata?.labels ?? {}) }
  delete labels[POD_TEMPLATE_HASH_LABEL]
  const spec = withoutDefaults(t.spec, POD_DEFAULTS) as Record<string, unknown>
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(spec[list])) spec[list] = (spec[list] as unknown[]).map(stripContainer)
  }
  return normalize({ metadata: { ...t.metadata, labels }, spec })
}

/**
 * Semantic equality of two pod templates, ignoring the pod-template-hash label on both sides.
 * Missing and empty maps/lists are equal, and well-known API defaults are ignored.
 */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return comparableJson(a) === comparableJson(b)
}

const comparableJson = (t: PodTemplateSpec): string => memo(comparables, t, () => JSON.stringify(comparable(t)))

/**
 * Results per template object, for frozen templates only. The store hands out deeply frozen
 * objects that never change, and every sync of a Deployment compares its template with each of
 * its ReplicaSets' and hashes it: 100 Deployments × 100 replicas rolled out made 97 000
 * reconciles and, uncached, 30 MB of sorted key lists and JSON per rollout that outlived a
 * scavenge (bench/control-plane.ts --alloc-profile). A template that is not frozen (a test's
 * literal, an object being built) may still change, so it is computed every time. Weak keys:
 * a template's entry goes when its object does.
 */
const hashes = new WeakMap<object, number>()
const comparables = new WeakMap<object, string>()

function memo<T>(cache: WeakMap<object, T>, template: PodTemplateSpec, compute: () => T): T {
  if (!Object.isFrozen(template)) return compute()
  let v = cache.get(template)
  if (v === undefined) cache.set(template, (v = compute()))
  return v
}
