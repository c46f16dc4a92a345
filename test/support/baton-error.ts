/**
 * @module
 * Which BatonError a call threw: one helper for every test that checks a refusal by its code.
 *
 * @example
 * expectBatonError(() => validateObject(obj), 'BATON_INVALID')
 * expect(thrownBatonError(() => store.get('Pod', 'default', 'p'))).toMatchObject({ code: 'BATON_STORE' })
 */
import { expect } from 'vitest'
import { BatonError } from '../../src/errors/baton-error.ts'
import type { ErrorCode } from '../../src/errors/codes.ts'

/** The BatonError `fn` throws; fails the test when it returns or throws anything else. */
export function thrownBatonError(fn: () => unknown): BatonError {
  try {
    fn()
  } catch (err) {
    if (err instanceof BatonError) return err
    expect.fail(`expected a BatonError, but ${String(err)} was thrown`)
  }
  expect.fail('expected a BatonError, but nothing was thrown')
}

/** Fails the test unless `fn` throws a BatonError with `code`; returns it for checks of message, hint or causes. */
export function expectBatonError(fn: () => unknown, code: ErrorCode): BatonError {
  const err = thrownBatonError(fn)
  expect(err.code, err.message).toBe(code)
  return err
}
