import { describe, expect, it } from 'vitest'
import { BatonError } from '../../src/errors/baton-error.ts'
import { expectBatonError, thrownBatonError } from './baton-error.ts'

const refuse = () => {
  throw new BatonError('BATON_INVALID', 'Deployment "web" is invalid', { hint: 'fix it' })
}

describe('expectBatonError', () => {
  it('returns the error when the code matches', () => {
    expect(expectBatonError(refuse, 'BATON_INVALID')).toMatchObject({
      message: 'Deployment "web" is invalid',
      hint: 'fix it',
    })
  })

  it.each([
    { name: 'another code', fn: refuse, fails: /expected 'BATON_INVALID' to be 'BATON_NOT_FOUND'/ },
    { name: 'no error', fn: () => 1, fails: /nothing was thrown/ },
    {
      name: 'a plain Error',
      fn: () => {
        throw new Error('boom')
      },
      fails: /Error: boom was thrown/,
    },
  ])('fails the test for $name', ({ fn, fails }) => {
    expect(() => expectBatonError(fn, 'BATON_NOT_FOUND')).toThrow(fails)
  })

  it('thrownBatonError hands back what was thrown', () => {
    expect(thrownBatonError(refuse).code).toBe('BATON_INVALID')
  })
})
