import { describe, expect, it } from 'vitest'
import { BatonError, batonErrorFromBody } from './baton-error.ts'
import type { ErrorCode } from './codes.ts'
import { toStatus } from './status.ts'

describe('a BatonError as a Kubernetes Status', () => {
  it.each([
    { code: 'BATON_NOT_FOUND', reason: 'NotFound', http: 404 },
    { code: 'BATON_ALREADY_EXISTS', reason: 'AlreadyExists', http: 409 },
    { code: 'BATON_CONFLICT', reason: 'Conflict', http: 409 },
    { code: 'BATON_INVALID', reason: 'Invalid', http: 422 },
    { code: 'BATON_BAD_REQUEST', reason: 'BadRequest', http: 400 },
    { code: 'BATON_MANIFEST_PARSE', reason: 'BadRequest', http: 400 },
    { code: 'BATON_UNAUTHORIZED', reason: 'Unauthorized', http: 401 },
    { code: 'BATON_FORBIDDEN', reason: 'Forbidden', http: 403 },
    { code: 'BATON_TOO_LARGE', reason: 'RequestEntityTooLarge', http: 413 },
    { code: 'BATON_GONE', reason: 'Expired', http: 410 },
    { code: 'BATON_INTERNAL', reason: 'InternalError', http: 500 },
    { code: 'BATON_NO_SPACE', reason: 'InternalError', http: 507 },
  ] as Array<{ code: ErrorCode; reason: string; http: number }>)(
    '$code is reason $reason, code $http',
    ({ code, reason, http }) => {
      const s = toStatus(new BatonError(code, 'm', { hint: 'h' }))
      expect(s).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'm',
        reason,
        details: { causes: [], batonCode: code, hint: 'h' },
        code: http,
      })
    },
  )

  it('names the object and gives each field cause its type', () => {
    const e = new BatonError('BATON_INVALID', 'The Deployment "web" is invalid', {
      subject: { kind: 'Deployment', group: 'apps', name: 'web' },
      causes: [
        { field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
        { field: 'spec.selector', message: 'Required value' },
        { field: 'spec.strategy.type', message: 'Unsupported value: "Blue": supported values: "Recreate"' },
      ],
    })
    expect(toStatus(e).details).toMatchObject({
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      causes: [
        { reason: 'FieldValueInvalid', field: 'spec.replicas' },
        { reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' },
        { reason: 'FieldValueNotSupported', field: 'spec.strategy.type' },
      ],
    })
  })
})

describe('an error body back into a BatonError', () => {
  it('keeps code, message, hint and causes across the wire', () => {
    const sent = new BatonError('BATON_LIMIT', 'too many', {
      hint: 'ask for fewer',
      causes: [{ field: 'spec.replicas', message: 'too many' }],
    })
    const back = batonErrorFromBody(JSON.parse(JSON.stringify(sent)), 422)
    expect(back).toMatchObject({ code: 'BATON_LIMIT', message: 'too many', hint: 'ask for fewer', httpStatus: 422 })
    expect(back.causes).toEqual([{ field: 'spec.replicas', message: 'too many' }])
  })

  it.each([
    { reason: 'NotFound', http: 404, code: 'BATON_NOT_FOUND' },
    { reason: 'AlreadyExists', http: 409, code: 'BATON_ALREADY_EXISTS' },
    { reason: 'Conflict', http: 409, code: 'BATON_CONFLICT' },
    { reason: 'Invalid', http: 422, code: 'BATON_INVALID' },
    { reason: 'Expired', http: 410, code: 'BATON_GONE' },
    { reason: 'ServiceUnavailable', http: 503, code: 'BATON_INTERNAL' },
  ])("reads a Kubernetes API server's $reason Status as $code", ({ reason, http, code }) => {
    const body = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'x', reason, code: http }
    expect(batonErrorFromBody(body, http)).toMatchObject({ code, message: 'x', hint: undefined })
  })

  it("reads the load balancer's flat {code, message, hint} body", () => {
    expect(batonErrorFromBody({ code: 'BATON_BAD_REQUEST', message: 'no', hint: 'fix' }, 400)).toMatchObject({
      code: 'BATON_BAD_REQUEST',
      hint: 'fix',
    })
  })
})
