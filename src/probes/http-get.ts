/**
 * @module
 * The httpGet probe executor: GET http://<host>:<port><path> with the probe's headers. As in
 * the kubelet, any status from 200 to 399 is success; redirects are not followed (a 3xx is
 * already a success); the body is read only for the failure message.
 */
import { request } from 'node:http'
import type { Clock } from '../platform/clock.ts'
import type { ProbeOutcome } from './probe-runner.ts'

export interface HttpGetTarget {
  host: string
  port: number
  path: string
  headers: Array<{ name: string; value: string }>
}

const MAX_BODY = 10 * 1024

export function probeUrl(t: HttpGetTarget): string {
  return `http://${t.host}:${t.port}${t.path.startsWith('/') ? t.path : `/${t.path}`}`
}

export function httpGetProbe(target: HttpGetTarget, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  const url = probeUrl(target)
  const headers: Record<string, string> = { 'user-agent': 'baton-probe/1.0', accept: '*/*' }
  for (const h of target.headers) headers[h.name.toLowerCase()] = h.value
  return new Promise((resolve) => {
    let settled = false
    const finish = (o: ProbeOutcome) => {
      if (settled) return
      settled = true
      timer.cancel()
      resolve(o)
    }
    const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      const status = res.statusCode ?? 0
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk
      })
      res.on('error', (err) => finish({ ok: false, message: `Get "${url}": ${err.message}` }))
      res.on('end', () => {
        if (status >= 200 && status < 400) finish({ ok: true, message: '' })
        else finish({ ok: false, message: `HTTP probe failed with statuscode: ${status}` })
      })
    })
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, message: `Get "${url}": ${describeNetError(err, target)}` }))
    const timer = clock.setTimeout(() => {
      finish({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` })
      req.destroy()
    }, timeoutMs)
    req.end()
  })
}

/** Words socket errors as Go's net package does, which is what Kubernetes users recognise. */
export function describeNetError(err: NodeJS.ErrnoException, t: { host: string; port: number }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${t.host}:${t.port}: connect: connection refused`
    case 'ECONNRESET':
      return `read tcp ${t.host}:${t.port}: read: connection reset by peer`
    default:
      return err.message
  }
}
