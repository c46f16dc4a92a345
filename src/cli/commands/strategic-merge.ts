/**
 * @module
 * Strategic merge patch, `baton patch` and `kubectl patch`'s default type: a JSON merge patch
 * (maps merge, `null` removes a key) except that lists Kubernetes declares `patchStrategy: merge`
 * are merged item by item on their merge key instead of replaced: `containers` and `env` by
 * `name`, a container's `ports` by `containerPort`, a Service's `ports` by `port`,
 * `volumeMounts` by `mountPath`, conditions by `type`... (the keys of the Kubernetes types Baton
 * serves, below). Directives: `$patch: replace` (a map or a list is replaced whole),
 * `$patch: delete` (an item of a merged list, or a map, is removed), `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>`, and `$setElementOrder/<field>` (accepted; order is the
 * patch's for new items, the object's for the others).
 *
 *   strategicMerge(deploy, {spec: {template: {spec: {containers: [{name: 'web', image: 'web:v2'}]}}}})
 *     -> the web container's image changes; the other containers and fields stay
 */
import type { Kind } from '../../api/types.ts'

type Json = unknown
type Rec = Record<string, Json>
const isRec = (v: Json): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)

const POD_SPEC_LISTS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
}
const CONTAINER_LISTS: Record<string, string> = {
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  resizePolicy: 'resourceName',
}
/** Lists of strings merged as sets. */
const PRIMITIVE_MERGE = new Set(['metadata.finalizers'])

/** The merge key of the list at `path` (field names from the object's root), if it merges. */
export function mergeKeyFor(kind: Kind | undefined, path: readonly string[]): string | undefined {
  const field = path[path.length - 1] ?? ''
  const parent = path[path.length - 2] ?? ''
  if (field === 'ownerReferences' && parent === 'metadata') return 'uid'
  if (field === 'conditions' && parent === 'status') return 'type'
  if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers')
    return CONTAINER_LISTS[field]
  if (kind === 'Service' && path.join('.') === 'spec.ports') return 'port'
  // A pod spec: the Pod's own, or a template's (spec.template.spec).
  if (parent === 'spec' && (path.length === 2 || path[path.length - 3] === 'template')) return POD_SPEC_LISTS[field]
  return undefined
}

function withoutDirectives(v: Json): Json {
  if (Array.isArray(v))
    return v.filter((i) => !(isRec(i) && i.$patch !== undefined && Object.keys(i).length === 1)).map(withoutDirectives)
  if (!isRec(v)) return v
  const out: Rec = {}
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = withoutDirectives(x)
  return out
}

function mergeList(
  kind: Kind | undefined | null,
  path: string[],
  original: Json[],
  patch: Json[],
  key: string,
): Json[] {
  if (patch.some((i) => isRec(i) && i.$patch === 'replace'))
    return patch.filter((i) => !(isRec(i) && i.$patch === 'replace')).map(withoutDirectives)
  const out = original.map((i) => structuredClone(i))
  for (const item of patch) {
    if (!isRec(item)) {
      out.push(item)
      continue
    }
    const at = out.findIndex((o) => isRec(o) && o[key] === item[key])
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1)
      continue
    }
    if (at >= 0) out[at] = mergeMap(kind, path, out[at] as Rec, item)
    else out.push(withoutDirectives(item))
  }
  return out
}

/** Strategic when `kind` is given; a plain JSON merge patch (RFC 7386) when it is null. */
function mergeMap(kind: Kind | undefined | null, path: string[], original: Rec, patch: Rec): Json {
  if (kind === null) {
    const out: Rec = { ...original }
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k]
      else out[k] = isRec(v) ? mergeMap(null, [], isRec(out[k]) ? (out[k] as Rec) : {}, v) : structuredClone(v)
    }
    return out
  }
  if (patch.$patch === 'replace') return withoutDirectives(patch)
  if (patch.$patch === 'delete') return undefined
  const out: Rec = { ...original }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length)
      if (Array.isArray(out[field]) && Array.isArray(v))
        out[field] = (out[field] as Json[]).filter((x) => !v.includes(x))
      continue
    }
    if (k.startsWith('$')) continue
    const here = [...path, k]
    if (v === null) {
      delete out[k]
      continue
    }
    const current = out[k]
    if (isRec(v) && isRec(current)) {
      const merged = mergeMap(kind, here, current, v)
      if (merged === undefined) delete out[k]
      else out[k] = merged
      continue
    }
    if (Array.isArray(v) && Array.isArray(current)) {
      const key = mergeKeyFor(kind ?? undefined, here)
      if (key) {
        out[k] = mergeList(kind, here, current, v, key)
        continue
      }
      if (PRIMITIVE_MERGE.has(here.join('.'))) {
        out[k] = [...current, ...v.filter((x) => !current.includes(x))]
        continue
      }
    }
    out[k] = withoutDirectives(v)
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[])
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k]
  }
  return out
}

/** `original` with `patch` merged in strategically (a new value). */
export function strategicMerge<T>(original: T, patch: Json): T {
  if (!isRec(patch) || !isRec(original)) return structuredClone(withoutDirectives(patch)) as T
  const kind = typeof original.kind === 'string' ? (original.kind as Kind) : undefined
  return mergeMap(kind, [], structuredClone(original), patch) as T
}

/**
 * JSON merge patch (RFC 7386), `--type merge`: maps merge, `null` removes, anything else
 * (lists included) replaces. The API server applies the same to its PATCH bodies.
 */
export function jsonMergePatch<T>(original: T, patch: Json): T {
  if (!isRec(patch)) return structuredClone(patch) as T
  return mergeMap(null, [], isRec(original) ? structuredClone(original) : {}, patch) as T
}
