/**
 * @module
 * JSON merge patch (RFC 7386), the patch type `PATCH` bodies use here: objects merge
 * recursively, `null` removes a key, anything else (arrays included) replaces.
 *
 * mergePatch({spec:{replicas:3, paused:true}}, {spec:{replicas:5, paused:null}}) -> {spec:{replicas:5}}
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function mergePatch<T>(target: T, patch: unknown): T {
  if (!isObject(patch)) return structuredClone(patch) as T
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k] as Json, v)
  }
  return out as T
}
