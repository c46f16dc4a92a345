import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { closestField, fieldErrorsFromZod, knownFieldsAt, renderPath } from './zod-issues.ts'

const schema = z.strictObject({
  spec: z.strictObject({
    replicas: z.number().int().optional(),
    containers: z
      .array(z.strictObject({ name: z.string(), imagePullPolicy: z.enum(['Always', 'Never']).optional() }))
      .optional(),
  }),
})

const errorsFor = (value: unknown) => {
  const r = schema.safeParse(value, { reportInput: true })
  return r.success ? [] : fieldErrorsFromZod(schema, r.error.issues)
}

describe('zod issues as field errors', () => {
  it('renders paths like kubectl', () => {
    expect(renderPath(['spec', 'containers', 0, 'name'])).toBe('spec.containers[0].name')
  })
  it('finds the fields allowed under a path, through lists and optionals', () => {
    expect(knownFieldsAt(schema, ['spec', 'containers', 3])).toEqual(['name', 'imagePullPolicy'])
    expect(knownFieldsAt(schema, ['spec', 'nope'])).toEqual([])
  })
  it.each([
    ['imagePullPolice', 'imagePullPolicy'],
    ['Replicas', 'replicas'],
    ['replica', 'replicas'],
    ['image', undefined],
  ])('closestField(%s) = %s', (typo, want) => {
    expect(closestField(typo, ['replicas', 'imagePullPolicy', 'name'])).toBe(want)
  })
  it('maps each issue kind to Kubernetes wording', () => {
    expect(
      errorsFor({ spec: { replicas: '3', containers: [{ imagePullPolicy: 'always', imagePullPolice: 1 }] } }),
    ).toEqual([
      {
        field: 'spec.replicas',
        message: 'Invalid value: "3": must be an integer',
        hint: 'Write numbers without quotes, e.g. replicas: 3.',
      },
      { field: 'spec.containers[0].name', message: 'Required value' },
      {
        field: 'spec.containers[0].imagePullPolicy',
        message: 'Unsupported value: "always": supported values: "Always", "Never"',
        hint: 'Values are case-sensitive; use one of the supported values.',
      },
      {
        field: 'spec.containers[0].imagePullPolice',
        message: 'unknown field "spec.containers[0].imagePullPolice"',
        hint: 'Remove "imagePullPolice" or fix its spelling: field names are case-sensitive. Did you mean "imagePullPolicy"?',
      },
    ])
  })
})
