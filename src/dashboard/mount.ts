/**
 * @module
 * The web dashboard inside the daemon's API app:
 *
 *   POST /apis/baton.dev/v1/login-codes   (token) mint a one-time login code → {code, path, expiresAt}
 *   GET  /ui/login?code=…                 trade the code for a session cookie, then go to /ui/
 *   POST /ui/logout                       end the session
 *   GET  /ui/…                            the bundle (session only); app paths get index.html
 *
 * Every request that changes state (sign-out, a code minted or an object written through the
 * session) is refused when the browser says it comes from another origin (same-origin.ts).
 *
 * The session cookie is HttpOnly (page scripts never see it) and SameSite=Strict. Cookies are
 * not scoped by port, though, and every replica Baton runs is "same-site" on 127.0.0.1: so an
 * API call only counts as the session's when it also carries the X-Baton-Dashboard header,
 * which no other origin can add without a CORS preflight that this daemon never grants. The
 * cookie's name carries the port, so two daemons on one machine keep separate sessions.
 */
import type { Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { parse as parseCookies } from 'hono/utils/cookie'
import { LOGIN_CODES_PATH } from '../api/login-codes.ts'
import type { Clock } from '../platform/clock.ts'
import { randomToken } from '../platform/ids.ts'
import type { DashboardMount } from '../server/app.ts'
import { signedOutPage, redirectPage } from './pages.ts'
import { crossOriginError, crossOriginReason } from './same-origin.ts'
import { SESSION_TTL_MS, SessionStore } from './sessions.ts'
import { DEFAULT_ASSETS_DIR, loadBundle, type StaticFile } from './static-files.ts'

export const CSRF_HEADER = 'x-baton-dashboard'

/** "baton_session_7070": the cookie for the daemon answering on that port. */
export function sessionCookieName(url: string): string {
  const port = new URL(url).port
  return port ? `baton_session_${port}` : 'baton_session'
}

// Nothing loads from outside the daemon: scripts, styles, images and fetches are same-origin only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

export interface DashboardOptions {
  clock: Clock
  /** Where the built bundle is (default: dist/ui in the repository). */
  assetsDir?: string
  random?: () => string
}

export function createDashboard(opts: DashboardOptions): DashboardMount & { sessions: SessionStore } {
  const sessions = new SessionStore(opts.clock, opts.random ?? randomToken)
  const assetsDir = opts.assetsDir ?? DEFAULT_ASSETS_DIR
  let bundle: Map<string, StaticFile> | undefined
  const sessionOf = (c: Context): string | undefined => {
    const id = getCookie(c, sessionCookieName(c.req.url))
    return id && sessions.valid(id) ? id : undefined
  }
  const html = (c: Context, body: string, status: 200 | 401 | 503) =>
    c.html(body, status, {
      ...SECURITY_HEADERS,
      'cache-control': 'no-store',
      'content-security-policy': CSP.replace("style-src 'self'", "style-src 'unsafe-inline'"),
    })

  return {
    sessions,
    hasSession(req) {
      if (!req.headers.get(CSRF_HEADER)) return false
      const name = sessionCookieName(req.url)
      const id = parseCookies(req.headers.get('cookie') ?? '', name)[name]
      return id !== undefined && sessions.valid(id)
    },

    mountPublic(app: Hono) {
      app.use('*', async (c, next) => {
        const reason = crossOriginReason(c.req.raw)
        if (reason !== undefined) throw crossOriginError(c.req.raw, reason)
        await next()
      })
      app.get('/ui/login', (c) => {
        const id = sessions.exchange(c.req.query('code') ?? '')
        if (id === undefined)
          return html(
            c,
            signedOutPage('This login link is not valid: it was already used, has expired, or was mistyped.'),
            401,
          )
        setCookie(c, sessionCookieName(c.req.url), id, {
          path: '/',
          httpOnly: true,
          sameSite: 'Strict',
          maxAge: SESSION_TTL_MS / 1000,
          secure: new URL(c.req.url).protocol === 'https:',
        })
        // A page rather than a 303: the code leaves the address bar, and the next request is a
        // plain same-origin navigation that carries the new Strict cookie whatever opened the link.
        return html(c, redirectPage('/ui/'), 200)
      })

      app.post('/ui/logout', (c) => {
        const id = sessionOf(c)
        if (id !== undefined) sessions.revoke(id)
        deleteCookie(c, sessionCookieName(c.req.url), { path: '/', httpOnly: true, sameSite: 'Strict' })
        return html(c, signedOutPage('You are signed out.'), 200)
      })

      app.get('/ui', (c) => c.redirect('/ui/', 301))
      app.get('/ui/*', (c) => {
        if (sessionOf(c) === undefined) return html(c, signedOutPage('Sign in to see this daemon’s deployments.'), 401)
        bundle ??= loadBundle(assetsDir)
        if (!bundle)
          return html(
            c,
            signedOutPage(`The dashboard is not built here (no ${assetsDir}index.html): run npm run build:ui.`),
            503,
          )
        const rel = c.req.path.slice('/ui/'.length)
        const file = bundle.get(rel) ?? (/\.[a-z0-9]+$/i.test(rel) ? undefined : bundle.get('index.html'))
        if (!file) return c.text('not found', 404, SECURITY_HEADERS)
        return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
          ...SECURITY_HEADERS,
          'content-type': file.type,
          'cache-control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
        })
      })
    },

    mountGuarded(app: Hono) {
      app.post(LOGIN_CODES_PATH, (c) => {
        const { code, expiresAt } = sessions.mintCode()
        return c.json(
          { code, path: `/ui/login?code=${encodeURIComponent(code)}`, expiresAt: new Date(expiresAt).toISOString() },
          201,
        )
      })
    },
  }
}
