/**
 * @module
 * The one comparison of secrets (API token, proxy token, dashboard codes and sessions): both
 * sides are hashed to SHA-256 first, so the compare takes the same time whatever the
 * lengths and wherever the first difference is, and nothing about the secret leaks through
 * response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (s: string) => createHash('sha256').update(s).digest()

export function constantTimeEqual(given: string, secret: string): boolean {
  return timingSafeEqual(digest(given), digest(secret))
}
