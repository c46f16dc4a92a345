/**
 * @module
 * Randomness lives here (platform/ owns global state): object uids, API tokens, and the
 * random suffix of pod names (Kubernetes' generateName: five characters of "bcdf…789").
 * It uses the Web Crypto global rather than node:crypto, so that the simulator, which takes
 * sequentialIds from here, also runs in the dashboard's browser bundle (the rollout preview).
 */
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n))

export interface IdSource {
  uid(): string
  /** Five characters from Kubernetes' vowel-free alphabet, as generateName produces. */
  suffix(): string
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

export const randomIds: IdSource = {
  uid: () => globalThis.crypto.randomUUID(),
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
  return Buffer.from(randomBytes(32)).toString('base64url')
}
