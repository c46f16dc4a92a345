import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './codes.ts'

// The catalog and docs/errors.md must list the same codes, both ways (fastify's rule).
const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
const documented = new Set([...doc.matchAll(/^\| `(BATON_[A-Z_]+)` \|/gm)].map((m) => m[1]))

describe('error catalog', () => {
  it.each(Object.keys(ERROR_CODES))('documents %s in docs/errors.md', (code) => {
    expect(documented.has(code)).toBe(true)
  })
  it('documents no code that no longer exists', () => {
    const stale = [...documented].filter((c) => c !== undefined && !(c in ERROR_CODES))
    expect(stale).toEqual([])
  })
})
