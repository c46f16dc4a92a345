import { describe, expect, it } from 'vitest'
import { builtinRuntimeClasses, nodeRuntimes, podRuntime, runtimeClassErrors } from './runtime-class.ts'
import { deployment, pod, withChanges } from './test-objects.ts'

const T = 'spec.template.spec'

describe('runtimeClassErrors', () => {
  it.each([
    { name: 'no runtimeClassName', node: 'process', obj: deployment(), fields: [] },
    {
      name: 'process on a process node',
      node: 'process',
      obj: withChanges(deployment(), { [`${T}.runtimeClassName`]: 'process' }),
      fields: [],
    },
    {
      name: 'docker on a docker node',
      node: 'docker',
      obj: withChanges(deployment(), { [`${T}.runtimeClassName`]: 'docker' }),
      fields: [],
    },
    {
      name: 'process on a docker node (it runs both)',
      node: 'docker',
      obj: withChanges(pod(), { 'spec.runtimeClassName': 'process' }),
      fields: [],
    },
    {
      name: 'docker on a process node',
      node: 'process',
      obj: withChanges(deployment(), { [`${T}.runtimeClassName`]: 'docker' }),
      fields: [`${T}.runtimeClassName`],
    },
    {
      name: 'a RuntimeClass that does not exist',
      node: 'docker',
      obj: withChanges(pod(), { 'spec.runtimeClassName': 'gvisor' }),
      fields: ['spec.runtimeClassName'],
    },
  ] as const)('$name', ({ node, obj, fields }) => {
    expect(runtimeClassErrors(obj, nodeRuntimes(node)).map((e) => e.field)).toEqual(fields)
  })

  it('lets imagePullSecrets through on either runtime (the Docker runtime pulls with them)', () => {
    const withSecret = withChanges(deployment(), { [`${T}.imagePullSecrets`]: [{ name: 'reg' }] })
    expect(runtimeClassErrors(withSecret, nodeRuntimes('docker'))).toEqual([])
    expect(runtimeClassErrors(withSecret, nodeRuntimes('process'))).toEqual([])
  })

  it('says how to get the Docker runtime when a process node is asked for it', () => {
    const [err] = runtimeClassErrors(withChanges(pod(), { 'spec.runtimeClassName': 'docker' }), nodeRuntimes('process'))
    expect(err?.message).toBe('Forbidden: this node runs the process runtime, not docker')
    expect(err?.hint).toContain('baton up --runtime docker')
  })

  it('names the RuntimeClasses there are when one does not exist', () => {
    const [err] = runtimeClassErrors(withChanges(pod(), { 'spec.runtimeClassName': 'gvisor' }), nodeRuntimes('docker'))
    expect(err?.message).toBe('Unsupported value: "gvisor": supported values: "process", "docker"')
  })
})

describe('podRuntime', () => {
  it.each([
    { runtimeClassName: undefined, node: 'process', want: 'process' },
    { runtimeClassName: undefined, node: 'docker', want: 'docker' },
    { runtimeClassName: 'process', node: 'docker', want: 'process' },
    { runtimeClassName: 'docker', node: 'docker', want: 'docker' },
  ] as const)('$runtimeClassName on a $node node runs on $want', ({ runtimeClassName, node, want }) => {
    expect(podRuntime(runtimeClassName ? { runtimeClassName } : {}, node)).toBe(want)
  })
})

describe('builtinRuntimeClasses', () => {
  it('are process and docker, node.k8s.io/v1, each its own handler', () => {
    expect(builtinRuntimeClasses('2026-01-01T00:00:00Z')).toEqual([
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'process', creationTimestamp: '2026-01-01T00:00:00Z' },
        handler: 'process',
      },
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'docker', creationTimestamp: '2026-01-01T00:00:00Z' },
        handler: 'docker',
      },
    ])
  })
})
