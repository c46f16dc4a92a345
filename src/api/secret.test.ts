import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { validateObject } from './validate.ts'

const secret = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  ...fields,
})

describe('Secret', () => {
  it('folds stringData into data as base64 (UTF-8, stringData wins) and defaults type to Opaque', () => {
    expect(validateObject(secret({ data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'pässword' } }))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { a: 'eA==', b: 'cMOkc3N3b3Jk' },
      type: 'Opaque',
    })
  })

  it('keeps a type of its own (Helm stores releases as helm.sh/release.v1)', () => {
    expect(validateObject(secret({ type: 'helm.sh/release.v1', data: { release: 'H4sI' } }))).toMatchObject({
      type: 'helm.sh/release.v1',
    })
  })

  it.each([
    { name: 'a value that is not base64', fields: { data: { a: 'not base64!' } }, field: 'data[a]' },
    { name: 'a key with a slash', fields: { data: { 'a/b': 'eA==' } }, field: 'data[a/b]' },
    {
      name: 'a TLS Secret without its key',
      fields: { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } },
      field: 'data[tls.key]',
    },
    {
      name: 'a service account token (Baton issues none)',
      fields: { type: 'kubernetes.io/service-account-token' },
      field: 'type',
    },
    { name: 'an unknown field', fields: { stringdata: { a: 'x' } }, field: 'stringdata' },
  ])('refuses $name, naming the field', ({ fields, field }) => {
    const e = expectBatonError(() => validateObject(secret(fields)), 'BATON_INVALID')
    expect(e.causes.map((c) => c.field)).toContain(field)
  })
})
