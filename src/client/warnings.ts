/**
 * @module
 * The API's `Warning` response headers (RFC 7234: `299 - "text"`, as the Kubernetes API server
 * sends them), back into their texts. A response with several carries them in one header
 * value joined by ", " (what `Headers.get` returns), so the quoted texts are matched, not split.
 */

const WARN_VALUE = /(\d{3}) \S+ "((?:[^"\\]|\\.)*)"(?: "[^"]*")?/g

export function parseWarningHeader(value: string | null | undefined): string[] {
  if (!value) return []
  const out: string[] = []
  for (const m of value.matchAll(WARN_VALUE)) {
    if (m[1] !== '299') continue
    const quoted = m[2] ?? ''
    try {
      out.push(JSON.parse(`"${quoted}"`) as string)
    } catch {
      out.push(quoted.replace(/\\(.)/g, '$1'))
    }
  }
  return out
}
