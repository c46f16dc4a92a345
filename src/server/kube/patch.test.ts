import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../../test/support/baton-error.ts'
import { jsonPatch } from './json-patch.ts'
import { applyPatch } from './patch.ts'
import { strategicMergePatch } from './strategic-merge-patch.ts'

const pod = {
  containers: [
    {
      name: 'a',
      image: 'a:1',
      ports: [{ containerPort: 80 }, { containerPort: 81 }],
      env: [{ name: 'X', value: '1' }],
    },
    { name: 'b', image: 'b:1' },
  ],
}

describe('strategic merge patch', () => {
  it.each([
    {
      name: 'kubectl set image: one container by name, the other kept',
      target: pod,
      patch: {
        containers: [{ name: 'b', image: 'b:2' }],
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
      },
      want: { containers: [pod.containers[0], { name: 'b', image: 'b:2' }] },
    },
    {
      name: 'a container port merged by containerPort, env by name',
      target: pod,
      patch: {
        containers: [{ name: 'a', ports: [{ containerPort: 81, name: 'x' }], env: [{ name: 'Y', value: '2' }] }],
      },
      want: {
        containers: [
          {
            ...pod.containers[0],
            ports: [{ containerPort: 80 }, { containerPort: 81, name: 'x' }],
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
          pod.containers[1],
        ],
      },
    },
    {
      name: 'kubectl apply removing a container ($patch: delete) and a field (null)',
      target: pod,
      patch: {
        containers: [
          { name: 'a', $patch: 'delete' },
          { name: 'b', image: null },
        ],
      },
      want: { containers: [{ name: 'b' }] },
    },
    {
      name: 'Service ports merge by port',
      target: { ports: [{ port: 80, targetPort: 8080 }] },
      patch: { ports: [{ port: 443, targetPort: 8443 }] },
      want: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 443, targetPort: 8443 },
        ],
      },
    },
    {
      name: '$retainKeys drops the other keys (strategy type switched to Recreate)',
      target: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      patch: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
      want: { strategy: { type: 'Recreate' } },
    },
    {
      name: 'a list without merge key is replaced; $patch: replace replaces a map',
      target: { args: ['a', 'b'], labels: { a: '1', b: '2' } },
      patch: { args: ['c'], labels: { $patch: 'replace', c: '3' } },
      want: { args: ['c'], labels: { c: '3' } },
    },
    {
      name: '$setElementOrder reorders',
      target: pod,
      patch: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] },
      want: { containers: [pod.containers[1], pod.containers[0]] },
    },
  ])('$name', ({ target, patch, want }) => {
    expect(strategicMergePatch(target, patch)).toEqual(want)
  })
})

describe('JSON patch', () => {
  it.each([
    { ops: [{ op: 'replace', path: '/spec/replicas', value: 3 }], want: { spec: { replicas: 3, l: ['x'] } } },
    { ops: [{ op: 'add', path: '/spec/l/-', value: 'y' }], want: { spec: { replicas: 1, l: ['x', 'y'] } } },
    { ops: [{ op: 'remove', path: '/spec/l/0' }], want: { spec: { replicas: 1, l: [] } } },
    {
      ops: [{ op: 'copy', from: '/spec/replicas', path: '/spec/r2' }],
      want: { spec: { replicas: 1, l: ['x'], r2: 1 } },
    },
    { ops: [{ op: 'move', from: '/spec/replicas', path: '/spec/r2' }], want: { spec: { l: ['x'], r2: 1 } } },
    { ops: [{ op: 'test', path: '/spec/replicas', value: 1 }], want: { spec: { replicas: 1, l: ['x'] } } },
  ])('$ops.0.op', ({ ops, want }) => {
    const target = { spec: { replicas: 1, l: ['x'] } }
    expect(jsonPatch(target, ops)).toEqual(want)
    expect(target).toEqual({ spec: { replicas: 1, l: ['x'] } })
  })

  it.each([
    { name: 'a missing path', ops: [{ op: 'replace', path: '/spec/nope', value: 1 }] },
    { name: 'a failed test', ops: [{ op: 'test', path: '/spec/replicas', value: 2 }] },
    { name: 'an unknown op', ops: [{ op: 'frob', path: '/spec' }] },
    { name: 'not an array', ops: { op: 'add' } },
  ])('refuses $name', ({ ops }) => {
    expectBatonError(() => jsonPatch({ spec: { replicas: 1 } }, ops), 'BATON_BAD_REQUEST')
  })
})

describe('patch type by Content-Type', () => {
  it('merge patch replaces lists; strategic merges them', () => {
    const p = { containers: [{ name: 'b', image: 'b:2' }] }
    expect(applyPatch('application/merge-patch+json', pod, p).containers).toHaveLength(1)
    expect(applyPatch('application/strategic-merge-patch+json', pod, p).containers).toHaveLength(2)
  })

  it('refuses server-side apply of a subresource with 415, naming the fix', () => {
    const e = expectBatonError(() => applyPatch('application/apply-patch+yaml', pod, {}), 'BATON_BAD_REQUEST')
    expect(e.httpStatus).toBe(415)
    expect(e.hint).toContain('Apply the object itself')
  })
})
