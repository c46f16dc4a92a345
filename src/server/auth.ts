/**
 * @module
 * Every route sits behind the daemon's token: `Authorization: Bearer <token>`. The token is
 * compared in constant time so that response timing does not leak it byte by byte. The web
 * dashboard's browser session (src/dashboard) passes too, when `hasSession` says so.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { BatonError } from '../errors/baton-error.ts'
import { errorResponse } from './errors.ts'

const digest = (s: string) => createHash('sha256').update(s).digest()

export function bearerAuth(token: string, hasSession?: (req: Request) => boolean): MiddlewareHandler {
  const want = digest(token)
  return async (c, next) => {
    if (hasSession?.(c.req.raw)) return next()
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), want)) {
      return errorResponse(
        c,
        new BatonError('BATON_UNAUTHORIZED', match ? 'the API token is wrong' : 'the API token is missing', {
          hint:
            'Send "Authorization: Bearer <token>"; the token is in <data-dir>/token on the daemon\'s machine ' +
            '(the CLI reads it by itself, or pass --token / BATON_TOKEN)',
        }),
      )
    }
    await next()
  }
}
