import { describe, expect, it } from 'vitest'
import type { PodTemplateSpec } from '../api/types.ts'
import {
  canonicalJson,
  computeHash,
  equalIgnoreHash,
  fnv32a,
  replicaSetName,
  safeEncodeString,
} from './template-hash.ts'
import { template } from '../../test/support/builders.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('fnv32a', () => {
  it.each([
    { input: '', want: 0x811c9dc5 },
    { input: 'a', want: 0xe40c292c },
    { input: 'foobar', want: 0xbf9cf968 },
  ])('hashes $input to the published FNV-1a test vector', ({ input, want }) => {
    expect(fnv32a(bytes(input))).toBe(want)
  })
})

describe('safeEncodeString', () => {
  it('maps decimal digits into the vowel-free alphabet as Kubernetes does', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf')
  })
})

describe('computeHash', () => {
  const t = template('app:v1')

  it('is deterministic and uses only the safe alphabet', () => {
    expect(computeHash(t)).toBe(computeHash(structuredClone(t)))
    expect(computeHash(t)).toMatch(/^[4-9bcdf]{1,10}$/)
  })

  it('ignores key order and empty maps', () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ image: 'app:v1', name: 'app' }] },
      metadata: { annotations: {}, labels: { app: 'web' } },
    }
    expect(computeHash(reordered)).toBe(computeHash(t))
  })

  // Pinned: a change here renames every ReplicaSet and rolls every Deployment on upgrade.
  it('is stable across versions (golden values)', () => {
    expect([
      computeHash(template('app:v1')),
      computeHash(template('app:v2')),
      computeHash(template('app:v1'), 1),
    ]).toEqual(['6c586d8d9d', '5b5d6f6bd7', '6f58d889c5'])
  })

  it('changes with the template and with collisionCount', () => {
    expect(computeHash(template('app:v2'))).not.toBe(computeHash(t))
    expect(computeHash(t, 1)).not.toBe(computeHash(t))
    expect(computeHash(t, 1)).not.toBe(computeHash(t, 2))
    expect(computeHash(t, 0)).not.toBe(computeHash(t))
  })
})

describe('replicaSetName', () => {
  it.each([
    { name: 'short name', deployment: 'web', hash: '5d4f8c7b9', want: 'web-5d4f8c7b9' },
    {
      name: '243 + 1 + 9 = 253 fits',
      deployment: 'a'.repeat(243),
      hash: '5d4f8c7b9',
      want: `${'a'.repeat(243)}-5d4f8c7b9`,
    },
    {
      name: '244 + 1 + 9 > 253 is cut to 242',
      deployment: 'a'.repeat(244),
      hash: '5d4f8c7b9',
      want: `${'a'.repeat(242)}-5d4f8c7b9`,
    },
    { name: 'a long hash alone is not cut', deployment: 'web', hash: 'x'.repeat(260), want: `web-${'x'.repeat(260)}` },
  ])('$name', ({ deployment, hash, want }) => {
    expect(replicaSetName(deployment, hash)).toBe(want)
  })
})

// TestEqualIgnoreHash: each case runs both ways round, as upstream.
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x)
    Object.freeze(v)
  }
  return v
}

describe('equalIgnoreHash', () => {
  const spec = (
    name: string,
    node: string,
    annotations: Record<string, string>,
    labels: Record<string, string>,
  ): PodTemplateSpec => ({
    metadata: { name, annotations, labels },
    spec: { containers: [], nodeName: node },
  })
  const H = 'pod-template-hash'
  it.each([
    {
      name: 'same spec, same labels',
      a: spec('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }),
      b: spec('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }),
      want: true,
    },
    {
      name: 'same spec, only the hash value differs',
      a: spec('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }),
      b: spec('foo', 'foo-node', {}, { [H]: 'value-2', something: 'else' }),
      want: true,
    },
    {
      name: 'same spec, one side has no hash label',
      a: spec('foo', 'foo-node', {}, { something: 'else' }),
      b: spec('foo', 'foo-node', {}, { [H]: 'value-2', something: 'else' }),
      want: true,
    },
    {
      name: 'same spec, labels differ, hash equal',
      a: spec('foo', 'foo-node', {}, { [H]: 'value-1' }),
      b: spec('foo', 'foo-node', {}, { [H]: 'value-1', something: 'else' }),
      want: false,
    },
    {
      name: 'different annotations, same labels',
      a: spec('foo', 'foo-node', { former: 'value' }, { [H]: 'value-1', something: 'else' }),
      b: spec('foo', 'foo-node', { latter: 'value' }, { [H]: 'value-1', something: 'else' }),
      want: false,
    },
    {
      name: 'different name, different hash',
      a: spec('foo-1', 'foo-node', {}, { [H]: 'value-1', something: 'else' }),
      b: spec('foo-2', 'foo-node', {}, { [H]: 'value-2', something: 'else' }),
      want: false,
    },
    {
      name: 'different spec, one side has no hash',
      a: spec('foo-1', 'foo-node-1', {}, { something: 'else' }),
      b: spec('foo-2', 'foo-node-2', {}, { [H]: 'value-2', something: 'else' }),
      want: false,
    },
    {
      name: 'different spec, different labels',
      a: spec('foo', 'foo-node-1', {}, { something: 'else' }),
      b: spec('foo', 'foo-node-2', {}, { nothing: 'else' }),
      want: false,
    },
    {
      name: 'missing and empty annotations are equal',
      a: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } },
      b: { metadata: { labels: { a: 'b' }, annotations: {} }, spec: { containers: [] } },
      want: true,
    },
    {
      name: 'spelled-out API defaults equal omitted ones',
      a: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } },
      b: {
        spec: {
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'c',
              image: 'i',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              terminationMessagePath: '/dev/termination-log',
            },
          ],
        },
      },
      want: true,
    },
    { name: 'a different image is a different template', a: template('app:v1'), b: template('app:v2'), want: false },
  ] as Array<{ name: string; a: PodTemplateSpec; b: PodTemplateSpec; want: boolean }>)('$name', ({ a, b, want }) => {
    expect(equalIgnoreHash(a, b)).toBe(want)
    expect(equalIgnoreHash(b, a)).toBe(want)
    // Frozen templates (as the store returns them) are remembered: asked twice, and mixed with
    // unfrozen copies, the answer stays the same.
    const [fa, fb] = [deepFreeze(structuredClone(a)), deepFreeze(structuredClone(b))]
    for (let i = 0; i < 2; i++) {
      expect(equalIgnoreHash(fa, fb)).toBe(want)
      expect(equalIgnoreHash(fb, a)).toBe(want)
      expect(computeHash(fa)).toBe(computeHash(a))
      expect(computeHash(fa, 3)).toBe(computeHash(a, 3))
    }
  })

  it('sees a change to a template that is not frozen', () => {
    const a = template('app:v1')
    const b = template('app:v1')
    expect(equalIgnoreHash(a, b)).toBe(true)
    const hash = computeHash(a)
    a.spec!.containers[0]!.image = 'app:v2'
    expect(equalIgnoreHash(a, b)).toBe(false)
    expect(computeHash(a)).not.toBe(hash)
  })

  it('does not mutate its inputs', () => {
    const a = spec('foo', 'n', {}, { [H]: 'x' })
    const before = canonicalJson(a)
    equalIgnoreHash(a, spec('foo', 'n', {}, {}))
    expect(canonicalJson(a)).toBe(before)
  })
})
