/**
 * @module
 * List pagination as kube-apiserver does it: `limit=N` answers at most N items and, when more
 * remain, a `continue` token and `remainingItemCount`; the next request passes the token back.
 * The token names the last key answered (namespace/name, the order lists come in), so a page
 * never repeats or skips an object that stayed put between the requests.
 *
 * page(items, {limit: 2}) -> {items: [a, b], continue: 'eyJrIjoiZGVmYXVsdC9iIn0', remainingItemCount: 1}
 */
import type { AnyObject } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'

const keyOf = (o: AnyObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`

function decode(token: string): string {
  try {
    const k = (JSON.parse(atob(token.replace(/-/g, '+').replace(/_/g, '/'))) as { k?: unknown }).k
    if (typeof k === 'string') return k
  } catch {
    // answered below
  }
  throw new BatonError('BATON_BAD_REQUEST', `continue token "${token}" is not valid`, {
    hint: 'Pass back the continue token of the previous page unchanged, or list again without it',
  })
}

const encode = (key: string) =>
  btoa(JSON.stringify({ k: key }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

export interface Page {
  items: AnyObject[]
  continue?: string
  remainingItemCount?: number
}

export function page(all: readonly AnyObject[], opts: { limit?: number; continue?: string }): Page {
  const sorted = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
  const after = opts.continue ? decode(opts.continue) : undefined
  const rest = after === undefined ? sorted : sorted.filter((o) => keyOf(o) > after)
  if (!opts.limit || rest.length <= opts.limit) return { items: rest }
  const items = rest.slice(0, opts.limit)
  return { items, continue: encode(keyOf(items[items.length - 1]!)), remainingItemCount: rest.length - opts.limit }
}
