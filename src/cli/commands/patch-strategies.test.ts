import { describe, expect, it } from 'vitest'
import {
  aService as kitService,
  aDeployment,
  deploymentAsServed,
  serviceAsServed,
} from '../../../test/support/builders.ts'
import { applyJsonPatch } from './json-patch.ts'
import { jsonMergePatch, mergeKeyFor, strategicMerge } from './strategic-merge.ts'

const aService = (name: string) => kitService(serviceAsServed(name))

const twoContainers = () => {
  const d = aDeployment(deploymentAsServed('web'))
  d.spec.template.spec.containers.push({ name: 'sidecar', image: 'proxy:v1', env: [{ name: 'A', value: '1' }] })
  return d
}

describe('strategic merge patch', () => {
  it('merges containers by name: one image changes, the other container stays', () => {
    const out = strategicMerge(twoContainers(), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:v2' }] } } },
    })
    expect(out.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'web=web:v2',
      'sidecar=proxy:v1',
    ])
    expect(out.spec.template.spec.containers[0]!.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }])
  })

  it('appends a new container and env var, merges env by name, removes with $patch: delete', () => {
    const out = strategicMerge(twoContainers(), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'sidecar',
                env: [
                  { name: 'B', value: '2' },
                  { name: 'A', value: '9' },
                ],
              },
              { name: 'web', $patch: 'delete' },
              { name: 'new', image: 'new:v1' },
            ],
          },
        },
      },
    })
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'sidecar',
        image: 'proxy:v1',
        env: [
          { name: 'A', value: '9' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'new', image: 'new:v1' },
    ])
  })

  it('replaces a list marked $patch: replace, and a list without a merge strategy', () => {
    const d = twoContainers()
    const out = strategicMerge(d, {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } } },
    })
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'o:1' }])
    const args = strategicMerge(
      { ...d, spec: { ...d.spec, template: { spec: { containers: [{ name: 'w', args: ['a', 'b'] }] } } } },
      {
        spec: { template: { spec: { containers: [{ name: 'w', args: ['c'] }] } } },
      },
    )
    expect(args.spec.template.spec.containers[0]!.args).toEqual(['c'])
  })

  it('merges a Service port by port, a null removes a key, and the input is not changed', () => {
    const svc = aService('web')
    const out = strategicMerge(svc, {
      spec: { ports: [{ port: 80, targetPort: 9090 }], selector: { app: null, tier: 'front' } },
    })
    expect(out.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' }])
    expect(out.spec.selector).toEqual({ tier: 'front' })
    expect(svc.spec.ports[0]!.targetPort).toBe(8080)
  })

  it.each([
    { kind: 'Deployment', path: 'spec.template.spec.containers', key: 'name' },
    { kind: 'Pod', path: 'spec.containers', key: 'name' },
    { kind: 'Pod', path: 'spec.containers.ports', key: 'containerPort' },
    { kind: 'Deployment', path: 'spec.template.spec.containers.env', key: 'name' },
    { kind: 'Service', path: 'spec.ports', key: 'port' },
    { kind: 'Deployment', path: 'status.conditions', key: 'type' },
    { kind: 'Pod', path: 'spec.tolerations', key: undefined },
    { kind: 'Deployment', path: 'spec.ports', key: undefined },
  ] as const)('merge key of $kind $path: $key', ({ kind, path, key }) => {
    expect(mergeKeyFor(kind, path.split('.'))).toBe(key)
  })
})

describe('JSON merge patch (RFC 7386)', () => {
  it('replaces lists whole and removes keys set to null', () => {
    const out = jsonMergePatch(twoContainers(), {
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'web:v2' }] } } },
      metadata: { labels: null },
    })
    expect(out.spec.replicas).toBe(5)
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'web:v2' }])
    expect(out.metadata.labels).toBeUndefined()
  })
})

describe('JSON patch (RFC 6902)', () => {
  const doc = () => ({ a: { b: [1, 2, 3] }, 'x/y': 'slash', c: 'c' })
  it.each([
    {
      name: 'replace in a list',
      ops: [{ op: 'replace', path: '/a/b/1', value: 9 }],
      want: { a: { b: [1, 9, 3] }, 'x/y': 'slash', c: 'c' },
    },
    {
      name: 'add at the end',
      ops: [{ op: 'add', path: '/a/b/-', value: 4 }],
      want: { a: { b: [1, 2, 3, 4] }, 'x/y': 'slash', c: 'c' },
    },
    {
      name: 'insert',
      ops: [{ op: 'add', path: '/a/b/0', value: 0 }],
      want: { a: { b: [0, 1, 2, 3] }, 'x/y': 'slash', c: 'c' },
    },
    { name: 'remove an escaped key', ops: [{ op: 'remove', path: '/x~1y' }], want: { a: { b: [1, 2, 3] }, c: 'c' } },
    {
      name: 'move',
      ops: [{ op: 'move', from: '/c', path: '/d' }],
      want: { a: { b: [1, 2, 3] }, 'x/y': 'slash', d: 'c' },
    },
    {
      name: 'copy',
      ops: [{ op: 'copy', from: '/a/b/0', path: '/e' }],
      want: { a: { b: [1, 2, 3] }, 'x/y': 'slash', c: 'c', e: 1 },
    },
    { name: 'a passing test', ops: [{ op: 'test', path: '/a/b', value: [1, 2, 3] }], want: doc() },
  ])('$name', ({ ops, want }) => {
    expect(applyJsonPatch(doc(), ops)).toEqual(want)
  })

  it.each([
    {
      name: 'a failing test',
      ops: [{ op: 'test', path: '/c', value: 'd' }],
      message: `operation 0 ({"op":"test","path":"/c","value":"d"}) failed: the value at "/c" is not "d"`,
    },
    {
      name: 'a missing path',
      ops: [{ op: 'replace', path: '/nope', value: 1 }],
      message: 'the path "/nope" does not exist',
    },
    {
      name: 'an index out of range',
      ops: [{ op: 'remove', path: '/a/b/3' }],
      message: 'index 3 is out of range (the list has 3 items)',
    },
    { name: 'an unknown op', ops: [{ op: 'frob', path: '/a' }], message: 'unknown operation' },
    { name: 'no list', ops: { op: 'add' }, message: 'a JSON patch must be a list of operations' },
  ])('refuses $name and leaves the document unchanged', ({ ops, message }) => {
    const d = doc()
    expect(() => applyJsonPatch(d, ops)).toThrow(message)
    expect(d).toEqual(doc())
  })
})
