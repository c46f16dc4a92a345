/**
 * @module
 * `--sort-by=<jsonpath>` as kubectl's RuntimeSorter: each object is keyed by the first result of
 * the (relaxed) JSONPath; objects without one come first; numbers compare as numbers, strings in
 * natural order (`web-2` before `web-10`, vbom.ml/util/sortorder's NaturalLess); a field no object
 * has is an error. Stable, so equal keys keep the server's order. Pure.
 */
import { BatonError } from '../../errors/baton-error.ts'
import { parseJsonPath, relaxedJsonPath } from './jsonpath.ts'

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

/** Natural string order: runs of digits compare by value, then by fewer leading zeros. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const da = isDigit(a[i])
    const db = isDigit(b[j])
    if (da !== db) return da
    if (!da) {
      if (a[i] !== b[j]) return a[i]! < b[j]!
      i++
      j++
      continue
    }
    while (a[i] === '0') i++
    while (b[j] === '0') j++
    const si = i
    const sj = j
    while (isDigit(a[i])) i++
    while (isDigit(b[j])) j++
    if (i - si !== j - sj) return i - si < j - sj
    const na = a.slice(si, i)
    const nb = b.slice(sj, j)
    if (na !== nb) return na < nb
    if (si !== sj) return si < sj
  }
  return a.length < b.length
}

function less(a: unknown, b: unknown, field: string): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b
  if (typeof a === 'string' && typeof b === 'string') return naturalLess(a, b)
  if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b
  throw new BatonError(
    'BATON_USAGE',
    `cannot sort by ${field}: its values are of different types or not sortable (${JSON.stringify(a)}, ${JSON.stringify(b)})`,
    {
      hint: 'Sort by a field that holds a number or a string, e.g. --sort-by=.metadata.name',
    },
  )
}

/** `objects` sorted by `expr` (a new array). */
export function sortObjects<T>(objects: readonly T[], expr: string): T[] {
  const field = relaxedJsonPath(expr)
  const path = parseJsonPath(field)
  const keyed = objects.map((obj, index) => {
    const results = path.findResults(obj)
    const has = results.length > 0 && results[0]!.length > 0
    return { obj, index, has, key: has ? results[0]![0] : undefined }
  })
  if (keyed.length > 0 && !keyed.some((k) => k.has)) {
    throw new BatonError('BATON_USAGE', `couldn't find any field with path "${field}" in the list of objects`, {
      hint: 'Check the field against an object with -o json, e.g. --sort-by=.metadata.creationTimestamp',
    })
  }
  return keyed
    .sort((x, y) => {
      if (!x.has || !y.has) return x.has === y.has ? x.index - y.index : x.has ? 1 : -1
      if (less(x.key, y.key, field)) return -1
      if (less(y.key, x.key, field)) return 1
      return x.index - y.index
    })
    .map((k) => k.obj)
}
