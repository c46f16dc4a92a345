/**
 * @module
 * A Rollout's header routes at the load balancer (Argo's setHeaderRoute): which revision a
 * request must go to, from its header lines. A route matches when every one of its conditions
 * holds on the first header of that name (names compared without case, the value trimmed):
 * `exact` equal, `prefix` a start, `regex` matching the whole value (as Envoy's safe_regex).
 * A request without the header matches no condition on it.
 */
import type { HeaderMatch, HeaderRoute } from './types.ts'

const compiled = new Map<string, RegExp | null>()

function wholeMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern)
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`)
    } catch {
      re = null // refused at apply; a table from elsewhere with a bad pattern matches nothing
    }
    if (compiled.size > 256) compiled.clear()
    compiled.set(pattern, re)
  }
  return re?.test(value) ?? false
}

/** The value of the first header named `name` in `lines` ("Name: value\r\n" each), or undefined. */
export function headerValue(lines: string, name: string): string | undefined {
  const wanted = name.toLowerCase()
  let at = 0
  while (at < lines.length) {
    let end = lines.indexOf('\r\n', at)
    if (end < 0) end = lines.length
    const colon = lines.indexOf(':', at)
    if (colon > at && colon < end && lines.slice(at, colon).trim().toLowerCase() === wanted) {
      return lines.slice(colon + 1, end).trim()
    }
    at = end + 2
  }
  return undefined
}

function holds(m: HeaderMatch, lines: string): boolean {
  const value = headerValue(lines, m.name)
  if (value === undefined) return false
  if (m.exact !== undefined) return value === m.exact
  if (m.prefix !== undefined) return value.startsWith(m.prefix)
  if (m.regex !== undefined) return wholeMatch(m.regex, value)
  return false
}

/** The revision the first matching route names, or undefined when none matches. */
export function headerRouteRevision(routes: readonly HeaderRoute[], lines: string): string | undefined {
  for (const r of routes) if (r.match.length > 0 && r.match.every((m) => holds(m, lines))) return r.revision
  return undefined
}
