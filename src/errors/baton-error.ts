/**
 * @module
 * BatonError: the one error type that crosses Baton's edges. It carries a stable code
 * (errors/codes.ts), a message that names the object or field, and a hint with the fix.
 * The API renders it as `{code, message, hint, details}`; the CLI prints message and hint.
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts'

/** One field-level problem, with the field path as kubectl prints it ("spec.replicas"). */
export interface FieldCause {
  field: string
  message: string
}

export interface BatonErrorOptions {
  hint?: string
  cause?: unknown
  httpStatus?: number
  causes?: FieldCause[]
  /** The CLI's exit code for this failure when it is not 1 (`baton rollout status`'s outcomes). */
  exitCode?: number
}

export class BatonError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly httpStatus: number
  readonly causes: FieldCause[]
  readonly exitCode: number | undefined

  constructor(code: ErrorCode, message: string, opts: BatonErrorOptions = {}) {
    super(message, { cause: opts.cause })
    this.name = 'BatonError'
    this.code = code
    this.hint = opts.hint
    this.httpStatus = opts.httpStatus ?? ERROR_CODES[code].httpStatus
    this.causes = opts.causes ?? []
    this.exitCode = opts.exitCode
  }

  /** The API's error body. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; details: { causes: FieldCause[] } } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      details: { causes: this.causes },
    }
  }
}

export function isBatonError(e: unknown): e is BatonError {
  return e instanceof BatonError
}

/** Rebuilds a BatonError from an API error body (the CLI side of `toJSON`). */
export function batonErrorFromBody(body: unknown, fallbackStatus: number): BatonError {
  const b = (body ?? {}) as { code?: string; message?: string; hint?: string; details?: { causes?: FieldCause[] } }
  const code = (b.code && b.code in ERROR_CODES ? b.code : 'BATON_INTERNAL') as ErrorCode
  return new BatonError(code, b.message ?? `request failed with HTTP ${fallbackStatus}`, {
    ...(b.hint !== undefined ? { hint: b.hint } : {}),
    httpStatus: fallbackStatus,
    causes: b.details?.causes ?? [],
  })
}
