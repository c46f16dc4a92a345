/**
 * @module
 * Parsing artifact references, Docker style: `NAME[:TAG][@sha256:HEX]`. A bare `web` means
 * tag `latest`; a digest, when given, wins over the tag (the tag is then only informative).
 */
import { BatonError } from '../errors/baton-error.ts'

export const DEFAULT_TAG = 'latest'

export interface ParsedRef {
  name: string
  tag: string
  /** "sha256:<64 hex>" when the reference pins content. */
  digest?: string
}

// Docker's grammar, restricted to what a local store needs: lower-case path components
// separated by "/", each made of alphanumerics joined by single ".", "_", "__" or "-" runs.
const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/

/**
 * Parses an image reference; undefined when it is not one.
 *
 * @example
 * parseRef('web')                // { name: 'web', tag: 'latest' }
 * parseRef('web:v2')             // { name: 'web', tag: 'v2' }
 * parseRef('web@sha256:ab…')     // { name: 'web', tag: 'latest', digest: 'sha256:ab…' }
 */
export function parseRef(ref: string): ParsedRef | undefined {
  const at = ref.indexOf('@')
  const digest = at >= 0 ? ref.slice(at + 1) : undefined
  const rest = at >= 0 ? ref.slice(0, at) : ref
  if (digest !== undefined && !DIGEST_RE.test(digest)) return undefined
  // The tag separator is a ":" after the last "/" (so a future "host:port/name" still parses).
  const colon = rest.lastIndexOf(':')
  const hasTag = colon > rest.lastIndexOf('/')
  const name = hasTag ? rest.slice(0, colon) : rest
  const tag = hasTag ? rest.slice(colon + 1) : DEFAULT_TAG
  if (!NAME_RE.test(name) || !TAG_RE.test(tag)) return undefined
  return digest === undefined ? { name, tag } : { name, tag, digest }
}

/** Parses the target of a push: a name and tag, never a digest (content decides that). */
export function parsePushRef(ref: string): { name: string; tag: string } {
  const parsed = parseRef(ref)
  if (!parsed || parsed.digest !== undefined) {
    throw new BatonError('BATON_INVALID', `invalid artifact reference "${ref}"`, {
      hint: 'use NAME:TAG, e.g. web:v2 (lower-case name; tag of letters, digits, ".", "_", "-")',
      causes: [{ field: 'ref', message: 'must be NAME[:TAG]' }],
    })
  }
  return { name: parsed.name, tag: parsed.tag }
}

export function formatRef(name: string, tag: string): string {
  return `${name}:${tag}`
}
