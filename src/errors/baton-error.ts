/**
 * @module
 * BatonError: the one error type that crosses Baton's edges. It carries a stable code
 * (errors/codes.ts), a message that names the object or field, and a hint with the fix.
 * The API renders it as a Kubernetes `Status` (errors/status.ts) that also carries the code and
 * the hint; the CLI prints message and hint.
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts'
import { type KubeStatus, statusFromBody, toStatus } from './status.ts'

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
  /** The object the error is about, as a Status's details name it. */
  subject?: ErrorSubject
}

/** `details.{kind, group, name}` of a Status: `{kind: 'deployments', group: 'apps', name: 'web'}`. */
export interface ErrorSubject {
  kind?: string
  group?: string
  name?: string
}

export class BatonError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly httpStatus: number
  readonly causes: FieldCause[]
  readonly exitCode: number | undefined
  readonly subject: ErrorSubject | undefined

  constructor(code: ErrorCode, message: string, opts: BatonErrorOptions = {}) {
    super(message, { cause: opts.cause })
    this.name = 'BatonError'
    this.code = code
    this.hint = opts.hint
    this.httpStatus = opts.httpStatus ?? ERROR_CODES[code].httpStatus
    this.causes = opts.causes ?? []
    this.exitCode = opts.exitCode
    this.subject = opts.subject
  }

  /** The API's error body: a Kubernetes Status carrying Baton's code and hint in its details. */
  toJSON(): KubeStatus {
    return toStatus(this)
  }
}

export function isBatonError(e: unknown): e is BatonError {
  return e instanceof BatonError
}

/**
 * Rebuilds a BatonError from an API error body (the CLI side of `toJSON`): a Status from Baton
 * or from any Kubernetes API server, or the `{code, message, hint}` body of the load balancer's
 * control API.
 */
export function batonErrorFromBody(body: unknown, fallbackStatus: number): BatonError {
  const b = (body ?? {}) as { code?: unknown; message?: string; hint?: string; details?: { causes?: FieldCause[] } }
  const fromStatus = statusFromBody(body, fallbackStatus)
  const flat = typeof b.code === 'string' && b.code in ERROR_CODES ? (b.code as ErrorCode) : undefined
  const code: ErrorCode = fromStatus?.code ?? flat ?? 'BATON_INTERNAL'
  const hint = fromStatus ? fromStatus.hint : b.hint
  return new BatonError(code, b.message ?? `request failed with HTTP ${fallbackStatus}`, {
    ...(hint !== undefined ? { hint } : {}),
    httpStatus: fallbackStatus,
    causes: (fromStatus?.causes ?? b.details?.causes ?? []).map(({ field, message }) => ({ field, message })),
  })
}
