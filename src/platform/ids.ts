/**
 * @module
 * Randomness lives here (platform/ owns global state): object uids, API tokens, and the
 * random suffix of pod names (Kubernetes' generateName: five characters of "bcdf…789").
 */
import { randomBytes, randomUUID } from 'node:crypto'

export interface IdSource {
  uid(): string
  /** Five characters from Kubernetes' vowel-free alphabet, as generateName produces. */
  suffix(): string
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

export const randomIds: IdSource = {
  uid: () => randomUUID(),
  suffix() {
    const bytes = randomBytes(5)
    let s = ''
    for (const b of bytes) s += ALPHABET[b % ALPHABET.length]
    return s
  },
}

/** Deterministic ids for tests and simulations: uid-1, uid-2, … and suffixes from a counter. */
export function sequentialIds(): IdSource {
  let n = 0
  let m = 0
  return {
    uid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    suffix() {
      let k = m++
      let s = ''
      for (let i = 0; i < 5; i++) {
        s = ALPHABET[k % ALPHABET.length] + s
        k = Math.floor(k / ALPHABET.length)
      }
      return s
    },
  }
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}
