import { describe, expect, it } from 'vitest'
import { parseManifests } from './manifest.ts'
import { nonFiniteFields } from './finite-numbers.ts'

describe('nonFiniteFields', () => {
  it.each([
    {
      name: '.nan replicas',
      yaml: 'spec: {replicas: .nan}',
      want: ['spec.replicas: Invalid value: NaN: must be a finite number'],
    },
    {
      name: '.inf replicas',
      yaml: 'spec: {replicas: .inf}',
      want: ['spec.replicas: Invalid value: Infinity: must be a finite number'],
    },
    {
      name: '-.inf in a list',
      yaml: 'ports: [{port: 80}, {port: -.inf}]',
      want: ['ports[1].port: Invalid value: -Infinity: must be a finite number'],
    },
    {
      name: 'a literal too large for a double',
      yaml: 'spec: {replicas: 1e400}',
      want: ['spec.replicas: Invalid value: Infinity: must be a finite number'],
    },
    { name: 'ordinary numbers and strings', yaml: 'spec: {replicas: 3, x: ".nan", y: 1.5e3}', want: [] },
  ])('$name', ({ yaml, want }) => {
    const [obj] = parseManifests(yaml)
    expect(nonFiniteFields(obj).map((e) => `${e.field}: ${e.message}`)).toEqual(want)
  })
})
