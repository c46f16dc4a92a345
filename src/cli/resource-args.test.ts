import { describe, expect, it } from 'vitest'
import { parseResourceArgs } from './resource-args.ts'

describe('parseResourceArgs (kubectl ways of naming resources)', () => {
  it.each([
    { name: 'a type', args: ['deployments'], want: { kinds: ['Deployment'], refs: [] } },
    {
      name: 'TYPE.GROUP NAME',
      args: ['deployments.apps', 'web'],
      want: { kinds: [], refs: [{ kind: 'Deployment', name: 'web' }] },
    },
    {
      name: 'TYPE.VERSION.GROUP/NAME',
      args: ['deployment.v1.apps/web'],
      want: { kinds: [], refs: [{ kind: 'Deployment', name: 'web' }] },
    },
    {
      name: 'TYPE.VERSION.GROUP of the core group',
      args: ['pods.v1./p'],
      want: { kinds: [], refs: [{ kind: 'Pod', name: 'p' }] },
    },
    {
      name: 'Kind.VERSION.GROUP',
      args: ['Deployment.v1.apps', 'web'],
      want: { kinds: [], refs: [{ kind: 'Deployment', name: 'web' }] },
    },
    {
      name: 'several types with one name',
      args: ['services,deployment', 'web'],
      want: {
        kinds: [],
        refs: [
          { kind: 'Service', name: 'web' },
          { kind: 'Deployment', name: 'web' },
        ],
      },
    },
    {
      name: 'several types with two names',
      args: ['deploy,svc', 'web', 'api'],
      want: {
        kinds: [],
        refs: [
          { kind: 'Deployment', name: 'web' },
          { kind: 'Deployment', name: 'api' },
          { kind: 'Service', name: 'web' },
          { kind: 'Service', name: 'api' },
        ],
      },
    },
  ])('$name: $args', ({ args, want }) => {
    expect(parseResourceArgs(args)).toEqual(want)
  })

  it.each([
    {
      name: 'another version',
      args: ['deployment.v2.apps/web'],
      message: `the server doesn't have a resource type "deployment.v2.apps"`,
    },
    {
      name: 'another group',
      args: ['deployment.v1.extensions', 'web'],
      message: `the server doesn't have a resource type "deployment.v1.extensions"`,
    },
    { name: 'names with all', args: ['all', 'web'], message: 'names cannot be given with "all"' },
  ])('refuses $name', ({ args, message }) => {
    expect(() => parseResourceArgs(args)).toThrow(message)
  })
})
