/**
 * @module
 * A target's connection made concrete: the Baton API URL and its bearer token, either as
 * given (`server:` + `token:`/`tokenFile:`) or read from a kubeconfig context (its cluster's
 * `server`, its user's `token`/`tokenFile`). Paths are relative to the fleet file.
 *
 * The shared API client (client/api-client.ts) speaks to the URL, so HTTPS comes with it.
 * Kubeconfig fields that configure TLS or other credentials (certificate authorities, client
 * certificates, exec plugins) are refused by name rather than ignored: until Baton's client
 * takes them, a connection that needs them would silently not be what the file says.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { BatonError } from '../errors/baton-error.ts'
import type { FleetTarget } from './types.ts'

export interface ResolvedConnection {
  server: string
  token: string | undefined
}

type Rec = Record<string, unknown>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)

const SUPPORTED_CLUSTER = ['server']
const SUPPORTED_USER = ['token', 'tokenFile']

function connError(t: FleetTarget, what: string, hint: string): BatonError {
  return new BatonError('BATON_FLEET_CONNECTION', `target "${t.name}": ${what}`, { hint })
}

function readText(t: FleetTarget, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw connError(
      t,
      `cannot read the ${what} ${path}: ${(err as Error).message}`,
      `Check spec.targets[].connection of ${t.name}`,
    )
  }
}

export function resolveConnection(t: FleetTarget, baseDir: string): ResolvedConnection {
  const c = t.connection
  if ('server' in c) {
    const token = c.token ?? (c.tokenFile ? readText(t, resolve(baseDir, c.tokenFile), 'token file').trim() : undefined)
    return { server: c.server, token }
  }
  const path = resolve(baseDir, c.kubeconfig)
  let doc: unknown
  try {
    doc = parse(readText(t, path, 'kubeconfig'))
  } catch (err) {
    if (err instanceof BatonError) throw err
    throw connError(t, `the kubeconfig ${path} is not valid YAML: ${(err as Error).message}`, 'Fix the kubeconfig file')
  }
  const cfg = isRec(doc) ? doc : {}
  const named = (list: unknown, name: string, kind: string): Rec => {
    const found = Array.isArray(list) ? list.find((e) => isRec(e) && e.name === name) : undefined
    const inner = isRec(found) ? found[kind] : undefined
    if (!isRec(inner))
      throw connError(
        t,
        `the kubeconfig ${path} has no ${kind} "${name}"`,
        `List them with: kubectl config get-contexts --kubeconfig ${path}`,
      )
    return inner
  }
  const ctx = named(cfg.contexts, c.context, 'context')
  const cluster = named(cfg.clusters, String(ctx.cluster ?? ''), 'cluster')
  const user = ctx.user === undefined ? {} : named(cfg.users, String(ctx.user), 'user')
  const unsupported = [
    ...Object.keys(cluster)
      .filter((k) => !SUPPORTED_CLUSTER.includes(k))
      .map((k) => `cluster.${k}`),
    ...Object.keys(user)
      .filter((k) => !SUPPORTED_USER.includes(k))
      .map((k) => `user.${k}`),
  ]
  if (unsupported.length > 0)
    throw connError(
      t,
      `the kubeconfig context "${c.context}" sets ${unsupported.join(', ')}, which Baton's client does not honour yet`,
      'Use a context with only cluster.server and user.token or user.tokenFile (TLS settings come with HTTPS support), or give connection.server and tokenFile',
    )
  if (typeof cluster.server !== 'string' || !/^https?:\/\//.test(cluster.server))
    throw connError(
      t,
      `the kubeconfig cluster of context "${c.context}" has no http(s) server`,
      'Set cluster.server, e.g. http://127.0.0.1:7071',
    )
  const token =
    typeof user.token === 'string'
      ? user.token
      : typeof user.tokenFile === 'string'
        ? readText(t, resolve(baseDir, user.tokenFile), 'token file').trim()
        : undefined
  return { server: cluster.server.replace(/\/$/, ''), token }
}
