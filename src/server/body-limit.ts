/**
 * @module
 * The request-body bound, as kube-apiserver's --max-request-body-bytes: a body whose
 * Content-Length says it is too large is refused before a byte of it is read, and a body
 * without one (chunked) is counted as it streams and refused the moment it passes the limit,
 * so a 50 MB body never sits in memory. Hono's bodyLimit middleware does the counting; this
 * gives its refusal Baton's error shape (413 BATON_TOO_LARGE).
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { formatBytes } from '../api/limits.ts'
import { BatonError } from '../errors/baton-error.ts'

export function tooLarge(what: string, limit: number, flag: string): BatonError {
  return new BatonError('BATON_TOO_LARGE', `${what} exceeds the limit of ${limit} bytes (${formatBytes(limit)})`, {
    hint: `Send less (split the manifest into several objects), or start the daemon with a higher ${flag}`,
  })
}

/** Bounds every request body except on the paths in `except` (which bound their own). */
export function requestBodyLimit(
  maxBytes: number,
  except: (path: string, method: string) => boolean,
): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge('the request body', maxBytes, '--max-request-body-bytes')
    },
  })
  return (c, next) => (except(c.req.path, c.req.method) ? next() : limit(c, next))
}
