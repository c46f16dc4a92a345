/**
 * @module
 * Int-or-percent values (Kubernetes' intstr.IntOrString) scaled against a replica count.
 *
 * A number is used as is; a string must be digits followed by "%" and is applied to `total`
 * (the Deployment's spec.replicas, never the live pod count). The caller chooses the rounding:
 * maxSurge rounds up, maxUnavailable rounds down.
 *
 * | value | total | roundUp | result                 |
 * | ----- | ----- | ------- | ---------------------- |
 * | 3     | 10    | either  | 3                      |
 * | "25%" | 10    | true    | 3  (ceil 2.5)          |
 * | "25%" | 10    | false   | 2  (floor 2.5)         |
 * | "39%" | 10    | true    | 4  (ceil 3.9)          |
 * | "5"   | 10    | either  | error: not a percentage |
 */
import type { IntOrString } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'

const HINT = 'use a whole number such as 2 or a percentage such as "25%"'

/** Go's strconv.Atoi accepts an optional sign and decimal digits, nothing else. */
function parseWholeNumber(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined
}

function invalid(detail: string): BatonError {
  return new BatonError('BATON_INVALID', `invalid value for IntOrString: ${detail}`, { hint: HINT })
}

/** Splits an int-or-percent into its number and whether it is a percentage. */
export function parseIntOrPercent(value: IntOrString): { value: number; isPercent: boolean } {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw invalid(`${value} is not a whole number`)
    return { value, isPercent: false }
  }
  if (!value.endsWith('%')) throw invalid(`invalid type: string ${JSON.stringify(value)} is not a percentage`)
  const digits = value.slice(0, -1)
  const n = parseWholeNumber(digits)
  if (n === undefined)
    throw invalid(`invalid value ${JSON.stringify(value)}: ${JSON.stringify(digits)} is not a number`)
  return { value: n, isPercent: true }
}

/**
 * Resolves `value` against `total`. Percentages are computed as `value × total / 100` in
 * floating point (the same operation order as Kubernetes, so results agree bit for bit) and
 * then rounded up or down.
 */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  const parsed = parseIntOrPercent(value)
  if (!parsed.isPercent) return parsed.value
  const exact = (parsed.value * total) / 100
  return roundUp ? Math.ceil(exact) : Math.floor(exact)
}
