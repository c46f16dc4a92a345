import { describe, expect, it } from 'vitest'
import { conditionError, evaluateCondition, parseCondition } from './analysis-expression.ts'

describe('analysis conditions: what Baton evaluates', () => {
  it.each([
    { cond: 'result < 0.05', result: 0.01, want: true },
    { cond: 'result < 0.05', result: 0.05, want: false },
    { cond: 'result <= 0.05', result: 0.05, want: true },
    { cond: 'result[0] >= 0.95', result: [0.97, 0.5], want: true },
    { cond: 'result[0] >= 0.95', result: [0.9], want: false },
    { cond: 'result[-1] == 2', result: [1, 2], want: true },
    { cond: 'result.status == "ok"', result: { status: 'ok' }, want: true },
    { cond: "result.status != 'ok'", result: { status: 'ok' }, want: false },
    { cond: 'result > 10 && result < 100', result: 50, want: true },
    { cond: 'result > 10 and result < 100', result: 500, want: false },
    { cond: 'result < 1 || result > 9', result: 10, want: true },
    { cond: 'not (result > 1)', result: 0, want: true },
    { cond: '!result', result: false, want: true },
    { cond: 'result == true', result: true, want: true },
    { cond: 'len(result) == 0', result: [], want: true },
    { cond: 'result.missing == nil', result: {}, want: true },
    { cond: 'result > -1', result: 0, want: true },
    { cond: 'result.data.rate >= 1e-2', result: { data: { rate: 0.5 } }, want: true },
  ])('$cond with $result is $want', ({ cond, result, want }) => {
    expect(evaluateCondition(parseCondition(cond), result)).toBe(want)
  })

  it.each([
    { cond: '', says: 'empty' },
    { cond: 'result < ', says: 'ends too early' },
    { cond: 'asFloat(result) < 1', says: 'unknown name "asFloat"' },
    { cond: 'result in x', says: 'unexpected "in"' },
    { cond: 'result in [1, 2]', says: 'unexpected ","' },
    { cond: 'result + 1 > 2', says: 'unexpected "+"' },
    { cond: 'result[x] > 1', says: 'whole number' },
    { cond: 'result < "a', says: 'unterminated string' },
    { cond: 'result ~ 1', says: 'unexpected "~"' },
    { cond: '(result > 1', says: 'expected ")"' },
  ])('refuses $cond: $says', ({ cond, says }) => {
    expect(conditionError(cond)).toContain(says)
  })

  it.each([
    { cond: 'result < 1', result: 'x', says: 'cannot order a string and a number' },
    { cond: 'result == 1', result: 'x', says: 'cannot compare a string with a number' },
    { cond: 'result[3] > 1', result: [1], says: 'out of range' },
    { cond: 'result', result: 1, says: 'expected true or false' },
  ])('$cond with $result is an evaluation error: $says', ({ cond, result, says }) => {
    expect(() => evaluateCondition(parseCondition(cond), result)).toThrow(says)
  })
})
