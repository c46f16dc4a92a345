/**
 * @module
 * A target's connection made concrete: the Baton API URL, its bearer token and the CA to trust,
 * either as given (`server:` + `token:`/`tokenFile:`, the system's roots) or read from a
 * kubeconfig context as kubectl reads it (client/kubeconfig.ts: the cluster's server and CA,
 * the user's token or token file; anything else is refused by name). The daemon's own
 * `<data-dir>/kubeconfig`, context `baton`, is such a file. Paths in the fleet file are
 * relative to it; paths in a kubeconfig, to the kubeconfig.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse } from 'yaml'
import { asKubeconfig, selectContext } from '../client/kubeconfig.ts'
import { BatonError } from '../errors/baton-error.ts'
import type { FleetTarget } from './types.ts'

export interface ResolvedConnection {
  server: string
  token: string | undefined
  /** PEM of the CA that signed the target's certificate; absent: the system's roots. */
  caPem?: string
}

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
  const text = readText(t, path, 'kubeconfig')
  try {
    const target = selectContext(asKubeconfig(parse(text), path), path, c.context, (file) =>
      readText(t, resolve(dirname(path), file), 'file'),
    )
    return { server: target.server, token: target.token, ...(target.caPem ? { caPem: target.caPem } : {}) }
  } catch (err) {
    if (err instanceof BatonError && err.code === 'BATON_FLEET_CONNECTION') throw err
    const why = err instanceof BatonError ? err.message : `${path} is not valid YAML: ${(err as Error).message}`
    throw connError(t, why, (err instanceof BatonError && err.hint) || 'Fix the kubeconfig file')
  }
}
