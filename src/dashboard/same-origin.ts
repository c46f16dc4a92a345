/**
 * @module
 * Cross-site request forgery guard for the dashboard. A page on another origin (any site, or
 * a replica on another port of 127.0.0.1, which is "same-site" and so receives the Strict
 * session cookie) can make the browser send a form POST to the daemon. Browsers mark every
 * such request: Sec-Fetch-Site (all current browsers) and Origin (every cross-origin POST).
 * A request that changes state is refused when either header names another origin. A request
 * with neither is not sent by a browser page (curl, the CLI) and carries no victim's cookie.
 *
 * Hono's `csrf` middleware makes the same check but only for form content types, and answers
 * a bare "Forbidden"; this one covers every unsafe method whatever the body, with a BatonError.
 */
import { BatonError } from '../errors/baton-error.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Why `req` is refused as cross-origin, or undefined when it may change state. */
export function crossOriginReason(req: Request): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined
  const site = req.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin') return `Sec-Fetch-Site: ${site}`
  const origin = req.headers.get('origin')
  // A same-origin form POST from a page whose Referrer-Policy is no-referrer (the dashboard's)
  // carries `Origin: null`; Sec-Fetch-Site has already said where it came from.
  if (origin === 'null' && site === 'same-origin') return undefined
  if (origin !== null && origin !== new URL(req.url).origin) return `Origin: ${origin}`
  return undefined
}

export function crossOriginError(req: Request, reason: string): BatonError {
  const { pathname } = new URL(req.url)
  return new BatonError('BATON_FORBIDDEN', `cross-origin ${req.method} ${pathname} refused (${reason})`, {
    hint: 'Use the dashboard from its own address (baton dashboard prints it); other sites cannot act on it',
  })
}
