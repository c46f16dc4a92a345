/**
 * @module
 * The store's objects are shared, read-only snapshots (rule P6): the version a write stores is
 * one deeply frozen tree, handed to the writer, every watcher and every reader. Freezing makes
 * a stray mutation throw (ESM code runs in strict mode) instead of silently changing what every
 * other holder sees.
 *
 * A new version is built against the previous one and reuses each subtree that did not change:
 * a Pod's status update allocates its new status nodes and metadata, while its spec, labels
 * and owner references stay the very objects of the version before. It also reuses any
 * frozen subtree of its input as it is: only this module freezes (an architecture test holds
 * that), so a frozen node is a stored one, deeply frozen and JSON-shaped. A ReplicaSet's pods
 * thus share its template's containers instead of holding a copy each. And every empty
 * object or array is one shared node ("lastState": {} in each container status). Versions live for seconds
 * (long enough to be promoted to V8's old generation), so what each write allocates is what
 * the old generation fills with, and what sets the process's peak memory.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * Freezes `value` and everything reachable from it, in place, and returns it. Meant for fresh
 * JSON trees (JSON.parse output): no cycles, only plain objects and arrays. A subtree that is
 * already frozen is taken as frozen all the way down and not walked again.
 *
 * @example
 * const pod = deepFreeze(JSON.parse(json) as Pod)
 * pod.metadata.labels = {} // TypeError: Cannot assign to read only property
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item)
  } else {
    // for-in over a JSON tree: own enumerable keys only (plain objects inherit none), and no
    // key array allocated per node as Object.keys would.
    for (const key in value) deepFreeze(value[key])
  }
  return value
}

/** A fresh, deeply frozen copy of the object serialised as `json`. */
export function frozenFromJson<T>(json: string): T {
  return deepFreeze(JSON.parse(json) as T)
}

/**
 * A deeply frozen copy of `value` as JSON would carry it (JSON.parse(JSON.stringify(value)),
 * same keys in the same order), in which every subtree equal to the one at the same place in
 * `previous` IS that subtree. `previous` must be such a frozen copy itself (a stored version):
 * its nodes are shared, never copied or frozen again. `value` is never frozen or kept: the
 * caller may go on editing it.
 *
 * @example
 * const v1 = frozenCopy({ spec: { image: 'a' }, status: { ready: false } })
 * const v2 = frozenCopy({ spec: { image: 'a' }, status: { ready: true } }, v1)
 * v2.spec === v1.spec     // true: unchanged, shared
 * v2.status === v1.status // false: changed, new
 * frozenCopy({ ...v2 }, v2) === v2 // true: nothing changed
 */
export function frozenCopy<T>(value: T, previous?: T): T {
  return copy(value, previous) as T
}

/** The one empty object and the one empty array every version shares. */
const EMPTY_OBJECT: object = Object.freeze({})
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([])

function copy(value: unknown, previous: unknown): unknown {
  if (value === previous && value !== undefined) return previous
  switch (typeof value) {
    case 'string':
      return flat(value)
    case 'boolean':
      return value
    case 'number':
      // JSON writes non-finite numbers as null and -0 as 0.
      return Number.isFinite(value) ? value + 0 : null
    case 'object':
      if (value === null) return null
      // A stored subtree (see the module comment); a non-plain frozen object is converted below.
      if (Object.isFrozen(value) && (Array.isArray(value) || isPlainData(value))) return value
      if (Array.isArray(value)) return copyArray(value, Array.isArray(previous) ? previous : undefined)
      if (isPlainData(value)) return copyObject(value as Record<string, unknown>, asRecord(previous))
  }
  // Anything else JSON converts its own way (toJSON, a Map, a bigint that throws): let it.
  const json = JSON.stringify(value) as string | undefined
  return json === undefined ? undefined : frozenFromJson<Json>(json)
}

function copyArray(value: readonly unknown[], previous: readonly unknown[] | undefined): readonly unknown[] {
  if (value.length === 0) return previous?.length === 0 ? previous : EMPTY_ARRAY
  const out: unknown[] = new Array(value.length)
  let same = previous?.length === value.length
  for (let i = 0; i < value.length; i++) {
    const prev = previous?.[i]
    // JSON writes holes, undefined and functions in arrays as null.
    const item = copy(value[i], prev) ?? null
    out[i] = item
    if (item !== prev) same = false
  }
  return same ? (previous as readonly unknown[]) : Object.freeze(out)
}

function copyObject(value: Record<string, unknown>, previous: Record<string, unknown> | undefined): object {
  const prevKeys = previous ? Object.keys(previous) : []
  const keys: string[] = []
  const items: unknown[] = []
  let sameKeys = previous !== undefined
  let sameItems = previous !== undefined
  for (const key in value) {
    const prev = previous?.[key]
    const item = copy(value[key], prev)
    // JSON leaves out keys whose value is undefined or a function.
    if (item === undefined) continue
    // Reuse needs the same keys in the same order too, so that both serialise alike.
    if (prevKeys[keys.length] !== key) sameKeys = false
    if (item !== prev) sameItems = false
    keys.push(key)
    items.push(item)
  }
  sameKeys &&= keys.length === prevKeys.length
  if (sameKeys && sameItems) return previous as object
  if (keys.length === 0) return EMPTY_OBJECT
  const out = { ...(sameKeys ? previous : templateFor(keys)) }
  for (let i = 0; i < keys.length; i++) out[keys[i] as string] = items[i]
  return Object.freeze(out)
}

/**
 * Layout. An object grown key by key from {} keeps only its first four properties in itself
 * and the rest in a separate array; one made by JSON.parse, or spread from such an object,
 * holds all of them (96 instead of 128 bytes for a container status). So a new node is spread
 * from a JSON-made template with its keys, and its values then written in place.
 */
const templates = new Map<string, Record<string, unknown>>()
const MAX_TEMPLATES = 1024

function templateFor(keys: readonly string[]): Record<string, unknown> {
  if (keys.length <= 4) return {}
  const signature = keys.join('\u0000')
  let template = templates.get(signature)
  if (!template) {
    template = JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k) => [k, null])))) as Record<string, unknown>
    if (templates.size < MAX_TEMPLATES) templates.set(signature, template)
  }
  return template
}

/**
 * `s` as one flat string. Strings built by concatenation or slicing (a pod name from its
 * ReplicaSet's, a timestamp cut from toISOString) are V8 ropes and slices: two or three heap
 * objects each, and a slice keeps its whole parent alive. Stored objects live for the
 * object's lifetime, so they keep flat strings, as JSON.parse would give them. Converting to
 * a number reads the characters, which makes V8 flatten the rope in place (the trick of the
 * flatstr package); the garbage collector then drops the rope for the flat string.
 */
function flat(s: string): string {
  void Number(s)
  return s
}

/** A plain object JSON writes key by key (no toJSON of its own to call). */
function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
