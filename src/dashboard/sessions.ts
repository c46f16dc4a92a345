/**
 * @module
 * Dashboard sign-in without typing the API token into a browser: `baton dashboard` (holding
 * the token) asks the daemon for a one-time code; the browser trades the code at
 * /ui/login?code=… for a session id, kept in an HttpOnly cookie. A code works once and only
 * for a minute, so a link left in a terminal's scroll-back is useless soon after; a session
 * lasts 12 hours or until logout. Everything lives in memory: a daemon restart signs out.
 */
import type { Clock } from '../platform/clock.ts'
import { constantTimeEqual } from '../platform/constant-time.ts'

export const CODE_TTL_MS = 60_000
export const SESSION_TTL_MS = 12 * 3_600_000

/** What the API's auth middleware needs to accept a dashboard session in place of the token. */
export interface SessionCheck {
  valid(sessionId: string): boolean
}

interface Entry {
  expiresAt: number
}

/**
 * Finds `secret` among entries by the API token's constant-time comparison, never by a map
 * lookup (whose timing depends on the key); drops expired ones.
 */
function take(entries: Map<string, Entry>, secret: string, now: number): string | undefined {
  let found: string | undefined
  for (const [key, e] of entries) {
    if (e.expiresAt <= now) entries.delete(key)
    else if (constantTimeEqual(secret, key)) found = key
  }
  return found
}

export class SessionStore implements SessionCheck {
  readonly #clock: Clock
  readonly #random: () => string
  readonly #codes = new Map<string, Entry>()
  readonly #sessions = new Map<string, Entry>()

  constructor(clock: Clock, random: () => string) {
    this.#clock = clock
    this.#random = random
  }

  /** A fresh one-time login code and when it stops working (epoch ms). */
  mintCode(): { code: string; expiresAt: number } {
    const code = this.#random()
    const expiresAt = this.#clock.now() + CODE_TTL_MS
    this.#codes.set(code, { expiresAt })
    return { code, expiresAt }
  }

  /** Trades a code for a new session id; undefined if the code is unknown, used or expired. */
  exchange(code: string): string | undefined {
    const now = this.#clock.now()
    const key = take(this.#codes, code, now)
    if (key === undefined) return undefined
    this.#codes.delete(key)
    const id = this.#random()
    this.#sessions.set(id, { expiresAt: now + SESSION_TTL_MS })
    return id
  }

  valid(sessionId: string): boolean {
    return take(this.#sessions, sessionId, this.#clock.now()) !== undefined
  }

  revoke(sessionId: string): void {
    const key = take(this.#sessions, sessionId, this.#clock.now())
    if (key !== undefined) this.#sessions.delete(key)
  }
}
