/**
 * @module
 * The three-way merge behind `apply` (kubectl's JSON merge-patch flavour): what the user
 * applied last time (the last-applied-configuration annotation), what they apply now, and
 * what is live. Fields in the new manifest win; fields the previous manifest had and the new
 * one dropped are removed; everything else on the live object (status, defaults, replicas
 * set by `scale`, annotations written by controllers) stays.
 *
 * | live            | last applied    | new manifest    | result          |
 * | --------------- | --------------- | --------------- | --------------- |
 * | replicas: 5     | (none)          | (none)          | replicas: 5     |
 * | replicas: 5     | replicas: 3     | replicas: 3     | replicas: 3     |
 * | paused: true    | paused: true    | (none)          | (removed)       |
 * | image: v1       | image: v1       | image: v2       | image: v2       |
 * | containers: [a] | containers: [a] | containers: [b] | containers: [b] (lists replace) |
 */
type Rec = Record<string, unknown>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)

export function threeWayMerge(live: unknown, lastApplied: unknown, desired: unknown): unknown {
  if (!isRec(desired) || !isRec(live)) return structuredClone(desired)
  const out: Rec = { ...live }
  const last = isRec(lastApplied) ? lastApplied : {}
  for (const key of Object.keys(last)) if (!(key in desired)) delete out[key]
  for (const [key, value] of Object.entries(desired)) {
    out[key] = isRec(value) && isRec(live[key]) ? threeWayMerge(live[key], last[key], value) : structuredClone(value)
  }
  return out
}
