/**
 * @module
 * Answers the proxy gives itself (bad request, no replica, replica failed): plain text that
 * says what happened and what to look at, marked with X-Baton-Proxy so that a client or a
 * test can tell them from an answer a replica gave with the same status.
 */
import type { RouteState } from './route-state.ts'

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
}

/** The whole answer as a latin1 string (one write). */
export function localAnswer(status: number, text: string, close: boolean): string {
  const body = Buffer.from(text, 'utf8')
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\nX-Baton-Proxy: ${status}\r\n` +
    (close ? 'Connection: close\r\n' : '') +
    '\r\n' +
    body.toString('latin1')
  )
}

/** "namespace/service[:port]" as the answers name a route. */
export function serviceName(rs: RouteState): string {
  const r = rs.route
  return `${r.namespace}/${r.service}${r.portName ? `:${r.portName}` : ''}`
}
