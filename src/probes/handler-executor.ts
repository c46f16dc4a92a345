/**
 * @module
 * Turns a probe's (or a lifecycle hook's) action into an executor. Ports are resolved
 * through the pod's port mappings: a probe naming containerPort 8080, or the port name
 * "http", reaches the loopback port Baton allocated for it, so ten replicas of one app can
 * all be probed on "8080".
 */
import type { IntOrString, LifecycleHandler, Probe } from '../api/types.ts'
import type { Clock } from '../platform/clock.ts'
import { execProbe } from './exec-command.ts'
import { httpGetProbe } from './http-get.ts'
import type { ProbeExecutor } from './probe-runner.ts'
import { tcpSocketProbe } from './tcp-socket.ts'

export interface HandlerContext {
  clock: Clock
  /** Maps a probe port (number or name) to the host port to dial; undefined when unknown. */
  resolvePort(port: IntOrString): number | undefined
  /** The pod's directory and environment, for exec. */
  cwd: string
  env: Record<string, string>
  /** The container's user and group, for exec. */
  uid?: number
  gid?: number
  /** Wraps exec commands: they run inside the container's mount namespace (runtime/process/mount-namespace.ts). */
  wrap?: (command: readonly string[]) => string[]
}

export const LOOPBACK = '127.0.0.1'

export function handlerExecutor(handler: Probe | LifecycleHandler, ctx: HandlerContext): ProbeExecutor {
  const { clock } = ctx
  if (handler.exec) {
    const command = handler.exec.command
    const user = {
      ...(ctx.uid !== undefined ? { uid: ctx.uid } : {}),
      ...(ctx.gid !== undefined ? { gid: ctx.gid } : {}),
      ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
    }
    return (timeoutMs) => execProbe({ command, cwd: ctx.cwd, env: ctx.env, ...user }, timeoutMs, clock)
  }
  if (handler.httpGet) {
    const h = handler.httpGet
    return async (timeoutMs) => {
      const port = ctx.resolvePort(h.port)
      if (port === undefined) return { ok: false, message: unknownPort(h.port) }
      const target = { host: LOOPBACK, port, path: h.path ?? '/', headers: h.httpHeaders ?? [] }
      return httpGetProbe(target, timeoutMs, clock)
    }
  }
  if (handler.tcpSocket) {
    const t = handler.tcpSocket
    return async (timeoutMs) => {
      const port = ctx.resolvePort(t.port)
      if (port === undefined) return { ok: false, message: unknownPort(t.port) }
      return tcpSocketProbe(LOOPBACK, port, timeoutMs, clock)
    }
  }
  return async () => ({ ok: false, message: 'probe has no exec, httpGet or tcpSocket action' })
}

function unknownPort(port: IntOrString): string {
  return `port ${JSON.stringify(port)} is not a port of this pod (name a containerPort or its name)`
}
