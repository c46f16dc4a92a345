/**
 * @module
 * Strategic merge patch, the patch `kubectl apply`, `set image`, `label`, `annotate`,
 * `rollout restart/pause/resume` and `kubectl patch` send for built-in kinds: a JSON merge patch
 * in which lists of objects with a merge key (containers by name, container ports by
 * containerPort, Service ports by port, env by name…) merge element by element instead of being
 * replaced, plus apimachinery's directives: `$patch: replace|delete|merge`,
 * `$setElementOrder/<list>`, `$retainKeys` and `$deleteFromPrimitiveList/<list>`.
 * The merge keys are those of the Kubernetes types Baton serves (their patchMergeKey tags).
 *
 * strategicMergePatch({containers: [{name: 'a', image: 'x'}, {name: 'b'}]},
 *                     {containers: [{name: 'a', image: 'y'}]})
 *   -> {containers: [{name: 'a', image: 'y'}, {name: 'b'}]}
 */
import { badRequest } from '../errors.ts'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** patchMergeKey of each list field of the served kinds (k8s.io/api struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
}

/** Primitive lists whose patch strategy is merge (a set union, not a replacement). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers'])

/** `ports` is keyed by containerPort in a container and by port in a Service. */
export function mergeKeyOf(field: string, items: readonly unknown[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port'
  return MERGE_KEYS[field]
}

const HINT = 'Send a strategic merge patch as kubectl builds it, or use --type=merge'

export function strategicMergePatch<T>(target: T, patch: unknown): T {
  if (!isObj(patch)) throw badRequest('a strategic merge patch must be a JSON object', HINT)
  return mergeMap(isObj(target) ? structuredClone(target) : {}, patch) as T
}

function mergeMap(original: Obj, patch: Obj): Obj | undefined {
  const directive = patch.$patch
  if (directive === 'delete') return undefined
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch
    return structuredClone(rest)
  }
  const out: Obj = { ...original }
  const orders: Record<string, unknown[]> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue
    if (key.startsWith('$setElementOrder/')) {
      orders[key.slice('$setElementOrder/'.length)] = value as unknown[]
      continue
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length)
      const drop = new Set((value as unknown[]).map((v) => JSON.stringify(v)))
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((v) => !drop.has(JSON.stringify(v)))
      continue
    }
    if (value === null) {
      delete out[key]
      continue
    }
    if (isObj(value)) {
      const merged = mergeMap(isObj(out[key]) ? (out[key] as Obj) : {}, value)
      if (merged === undefined) delete out[key]
      else out[key] = merged
      continue
    }
    if (Array.isArray(value)) {
      out[key] = mergeList(key, Array.isArray(out[key]) ? (out[key] as unknown[]) : [], value)
      continue
    }
    out[key] = value
  }
  for (const [field, order] of Object.entries(orders)) {
    if (Array.isArray(out[field])) out[field] = reorder(field, out[field] as unknown[], order)
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[])
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k]
  }
  return out
}

function mergeList(field: string, original: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) {
    return structuredClone(patch.filter((p) => !(isObj(p) && p.$patch === 'replace')))
  }
  const key = mergeKeyOf(field, [...original, ...patch])
  if (!key || !patch.every(isObj)) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const seen = new Set(original.map((v) => JSON.stringify(v)))
      return [...original, ...patch.filter((v) => !seen.has(JSON.stringify(v)))]
    }
    return structuredClone(patch)
  }
  const out = [...original]
  for (const p of patch as Obj[]) {
    if (!(key in p)) throw badRequest(`an element of ${field} has no merge key "${key}"`, HINT)
    const at = out.findIndex((o) => isObj(o) && o[key] === p[key])
    if (p.$patch === 'delete') {
      if (at !== -1) out.splice(at, 1)
      continue
    }
    if (at === -1) {
      const merged = mergeMap({}, p)
      if (merged) out.push(merged)
    } else {
      const merged = mergeMap(out[at] as Obj, p)
      if (merged === undefined) out.splice(at, 1)
      else out[at] = merged
    }
  }
  return out
}

/** `$setElementOrder`: the listed elements in the listed order, then any others as they were. */
function reorder(field: string, items: unknown[], order: unknown[]): unknown[] {
  const key = mergeKeyOf(field, items)
  const id = (v: unknown) => JSON.stringify(key && isObj(v) ? v[key] : v)
  const rank = new Map(order.map((o, i) => [id(o), i]))
  return items
    .map((v, i) => ({ v, i, r: rank.get(id(v)) ?? order.length + i }))
    .sort((a, b) => a.r - b.r)
    .map(({ v }) => v)
}
