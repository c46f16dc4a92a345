import { expect, it } from 'vitest'
import { BatonError } from '../errors/baton-error.ts'
import { toBatonError } from './errors.ts'

const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

it.each([
  { name: 'a raw ENOSPC', err: enospc },
  {
    name: 'an "invalid archive" caused by ENOSPC',
    err: new BatonError('BATON_INVALID', 'artifact source "x" is not a readable tar archive', { cause: enospc }),
  },
  { name: 'ENOSPC two causes deep', err: new Error('outer', { cause: new Error('middle', { cause: enospc }) }) },
])('$name answers 507 BATON_NO_SPACE', ({ err }) => {
  const e = toBatonError(err)
  expect(e.code).toBe('BATON_NO_SPACE')
  expect(e.httpStatus).toBe(507)
  expect(e.message).toContain('disk is full')
})

it('leaves other errors as they are', () => {
  const invalid = new BatonError('BATON_INVALID', 'bad')
  expect(toBatonError(invalid)).toBe(invalid)
  expect(toBatonError(new Error('boom')).code).toBe('BATON_INTERNAL')
})
