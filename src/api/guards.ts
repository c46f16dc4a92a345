/**
 * @module
 * Shape guards for objects that have not been validated yet. Defaulting and the semantic
 * validation rules run on raw user input (so that one pass can report every problem), and
 * use these to step only into values of the expected shape.
 */

export type Rec = Record<string, unknown>

export function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The plain-object elements of `v` with their original indexes; [] when `v` is not a list. */
export function entries<T>(v: T[] | undefined | unknown): Array<[number, T]> {
  if (!Array.isArray(v)) return []
  const out: Array<[number, T]> = []
  v.forEach((item, i) => {
    if (isRec(item)) out.push([i, item as T])
  })
  return out
}

/** The string-valued entries of a map; [] when `v` is not a map. */
export function stringEntries(v: unknown): Array<[string, string]> {
  if (!isRec(v)) return []
  return Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')
}

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== ''

/** `isRec` for a typed value: narrows `T | undefined` to `T` without widening its fields to unknown. */
export function isPresent<T extends object>(v: T | undefined | null): v is T {
  return isRec(v)
}
