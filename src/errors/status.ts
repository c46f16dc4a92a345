/**
 * @module
 * Errors on the wire as kube-apiserver sends them: a `metav1.Status` (kind Status, status
 * Failure, a CamelCase reason, the HTTP code, field causes), so kubectl prints
 * `Error from server (NotFound): deployments.apps "web" not found` and client-go's
 * `IsNotFound`/`IsConflict` work. Baton's stable code and hint ride in `details.batonCode` and
 * `details.hint`, which Kubernetes clients ignore and Baton's client reads back.
 *
 * toStatus(notFound) -> {kind:'Status', apiVersion:'v1', metadata:{}, status:'Failure',
 *   message:'deployments.apps "web" not found', reason:'NotFound', code:404,
 *   details:{name:'web', group:'apps', kind:'deployments', causes:[], batonCode:'BATON_NOT_FOUND', hint:'…'}}
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts'

export interface StatusCause {
  /** kube's CauseType: FieldValueInvalid, FieldValueRequired… */
  reason: string
  message: string
  field: string
}

export interface KubeStatus {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  details: {
    name?: string
    group?: string
    kind?: string
    causes: StatusCause[]
    batonCode: ErrorCode
    hint?: string
  }
  code: number
}

/** What a Status is made from (a BatonError, seen structurally to keep the import one-way). */
export interface StatusSource {
  code: ErrorCode
  message: string
  hint: string | undefined
  httpStatus: number
  causes: ReadonlyArray<{ field: string; message: string }>
  subject: { kind?: string; group?: string; name?: string } | undefined
}

/** Reasons where the HTTP code alone does not say it (409 is AlreadyExists or Conflict). */
const REASON_BY_CODE: Partial<Record<ErrorCode, string>> = {
  BATON_ALREADY_EXISTS: 'AlreadyExists',
  BATON_ARTIFACT_EXISTS: 'AlreadyExists',
  BATON_CONFLICT: 'Conflict',
  BATON_GONE: 'Expired',
}

/** kube-apiserver's reason for each HTTP status (apimachinery's StatusReason constants). */
const REASON_BY_HTTP: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
}

export function reasonOf(code: ErrorCode, httpStatus: number): string {
  return REASON_BY_CODE[code] ?? REASON_BY_HTTP[httpStatus] ?? (httpStatus >= 500 ? 'InternalError' : 'BadRequest')
}

/** A field cause's type, from its message the way apimachinery's field.Error words them. */
function causeReason(message: string): string {
  if (message.startsWith('Required value')) return 'FieldValueRequired'
  if (message.startsWith('Unsupported value')) return 'FieldValueNotSupported'
  if (message.startsWith('Duplicate value')) return 'FieldValueDuplicate'
  if (message.startsWith('Forbidden')) return 'FieldValueForbidden'
  if (message.startsWith('field not declared in schema') || message.startsWith('unknown field'))
    return 'FieldValueUnknown'
  return 'FieldValueInvalid'
}

export function toStatus(e: StatusSource): KubeStatus {
  const s = e.subject ?? {}
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: reasonOf(e.code, e.httpStatus),
    details: {
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.group ? { group: s.group } : {}),
      ...(s.kind !== undefined ? { kind: s.kind } : {}),
      causes: e.causes.map((c) => ({ reason: causeReason(c.message), message: c.message, field: c.field })),
      batonCode: e.code,
      ...(e.hint !== undefined ? { hint: e.hint } : {}),
    },
    code: e.httpStatus,
  }
}

/** Baton's code for a Status that carries none (one from a Kubernetes API server). */
const CODE_BY_REASON: Record<string, ErrorCode> = {
  NotFound: 'BATON_NOT_FOUND',
  AlreadyExists: 'BATON_ALREADY_EXISTS',
  Conflict: 'BATON_CONFLICT',
  Invalid: 'BATON_INVALID',
  BadRequest: 'BATON_BAD_REQUEST',
  Unauthorized: 'BATON_UNAUTHORIZED',
  Forbidden: 'BATON_FORBIDDEN',
  Expired: 'BATON_GONE',
  Gone: 'BATON_GONE',
  RequestEntityTooLarge: 'BATON_TOO_LARGE',
  Timeout: 'BATON_TIMEOUT',
}

/** The code, hint and causes of a Status body; undefined when the body is no Status. */
export function statusFromBody(
  body: unknown,
  httpStatus: number,
): { code: ErrorCode; hint?: string; causes: Array<{ field: string; message: string }> } | undefined {
  const b = body as Partial<KubeStatus> | undefined
  if (!b || typeof b !== 'object' || b.kind !== 'Status') return undefined
  const d = (b.details ?? {}) as Partial<KubeStatus['details']>
  const carried = typeof d.batonCode === 'string' && d.batonCode in ERROR_CODES ? d.batonCode : undefined
  const byReason = b.reason ? CODE_BY_REASON[b.reason] : undefined
  const code = carried ?? byReason ?? (httpStatus === 404 ? 'BATON_NOT_FOUND' : 'BATON_INTERNAL')
  return {
    code,
    ...(typeof d.hint === 'string' ? { hint: d.hint } : {}),
    causes: (d.causes ?? []).map((c) => ({ field: c.field ?? '', message: c.message ?? '' })),
  }
}
