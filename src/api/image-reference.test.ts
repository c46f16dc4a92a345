import { describe, expect, it } from 'vitest'
import { parseImageReference, registryOf } from './image-reference.ts'

describe('parseImageReference', () => {
  it.each([
    { ref: 'web:v1', want: { path: 'web', tag: 'v1' } },
    { ref: 'nginx', want: { path: 'nginx' } },
    { ref: 'bebullish/demo:v1', want: { path: 'bebullish/demo', tag: 'v1' } },
    { ref: 'localhost/web', want: { domain: 'localhost', path: 'web' } },
    { ref: 'localhost:5000/team/web:2.1', want: { domain: 'localhost:5000', path: 'team/web', tag: '2.1' } },
    {
      ref: 'registry.example.com/centos/java:8',
      want: { domain: 'registry.example.com', path: 'centos/java', tag: '8' },
    },
    {
      ref: `web@sha256:${'a'.repeat(64)}`,
      want: { path: 'web', digest: `sha256:${'a'.repeat(64)}` },
    },
    { ref: 'a__b.c-d/e', want: { path: 'a__b.c-d/e' } },
  ])('$ref', ({ ref, want }) => {
    expect(parseImageReference(ref)).toEqual(want)
  })

  it.each([
    { ref: 'Web:v1', error: 'repository name must be lowercase' },
    { ref: 'web:v1:v2', error: 'invalid reference format' },
    { ref: 'web::v1', error: 'invalid reference format' },
    { ref: 'web latest', error: 'invalid reference format' },
    { ref: '-web', error: 'invalid reference format' },
    { ref: 'web@sha256:abc', error: 'invalid reference format' },
    { ref: 'web/', error: 'invalid reference format' },
    { ref: `${'a'.repeat(256)}`, error: 'repository name must not be more than 255 characters' },
    { ref: '', error: 'repository name must have at least one component' },
  ])('$ref is refused: $error', ({ ref, error }) => {
    expect(parseImageReference(ref)).toEqual({ error })
  })
})

describe('registryOf', () => {
  it.each([
    { ref: 'web:v1', registry: 'docker.io' },
    { ref: 'bebullish/demo:v1', registry: 'docker.io' },
    { ref: 'localhost:5000/web', registry: 'localhost:5000' },
    { ref: 'ghcr.io/org/app', registry: 'ghcr.io' },
  ])('$ref pulls from $registry', ({ ref, registry }) => {
    const parsed = parseImageReference(ref)
    if ('error' in parsed) throw new Error(parsed.error)
    expect(registryOf(parsed)).toBe(registry)
  })
})
