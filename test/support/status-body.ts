/**
 * @module
 * An API error answer, read as a test checks it: the body must be a Kubernetes Status whose
 * code is the HTTP status; what is returned is Baton's view of it (code, message, hint, causes)
 * beside the Status's reason.
 *
 * @example
 * expect(await errorOf(res)).toMatchObject({ code: 'BATON_NOT_FOUND', reason: 'NotFound' })
 */
import { expect } from 'vitest'
import type { KubeStatus } from '../../src/errors/status.ts'

export interface ErrorView {
  code: string
  message: string
  hint: string | undefined
  reason: string
  causes: KubeStatus['details']['causes']
  status: KubeStatus
}

/** Reads `res`'s body as a Status (failing the test when it is none) and flattens it. */
export async function errorOf(res: Response): Promise<ErrorView> {
  const status = (await res.json()) as KubeStatus
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.status })
  return statusView(status)
}

export function statusView(status: KubeStatus): ErrorView {
  return {
    code: status.details.batonCode,
    message: status.message,
    hint: status.details.hint,
    reason: status.reason,
    causes: status.details.causes,
    status,
  }
}
