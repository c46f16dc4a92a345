/**
 * @module
 * Where the daemon is, which token it wants and which CA signs its certificate, so that on
 * the daemon's own machine the CLI needs no flags.
 *
 * With `--kubeconfig FILE` or `--context NAME`, a kubeconfig says it all, as for kubectl: the
 * file given, else $KUBECONFIG (files joined by ':'), else ~/.kube/config; the context given,
 * else its current context (client/kubeconfig.ts). `--server` and `--token` still win.
 *
 * Without them, the local daemon of the data directory, from the files its kubeconfig is
 * made of (read without a YAML parser, which every scripted call would pay for):
 * `--server` / BATON_SERVER, else the address in <data-dir>/daemon.json, else
 * https://127.0.0.1:7070; `--token` / BATON_TOKEN, else <data-dir>/token; the CA in
 * <data-dir>/ca.crt.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { BatonError } from '../errors/baton-error.ts'
import { asKubeconfig, combineKubeconfigs, type Kubeconfig, selectContext } from '../client/kubeconfig.ts'
import {
  DATA_FILES,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  defaultDataDir,
  envValue,
  kubeconfigPaths,
  resolveDataDir,
} from '../platform/env.ts'

export interface ConnectionFlags {
  server?: string
  token?: string
  dataDir?: string
  /** --kubeconfig: read this file instead of $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string
  /** --context: this context of the kubeconfig instead of its current one. */
  context?: string
}

export interface Connection {
  /** Base URL, without a trailing slash: "https://127.0.0.1:7070". */
  server: string
  token: string | undefined
  dataDir: string
  /** PEM of the CA that signs the server's certificate (undefined: the system's roots). */
  ca?: string | undefined
  /** The kubeconfig context's namespace, when a context was chosen and names one. */
  namespace?: string | undefined
}

/** What the daemon writes at start: its pid and the address its API listens on. */
export interface DaemonInfo {
  pid: number
  /** "http://127.0.0.1:7070" or "127.0.0.1:7070"; the file may call it `url` or `address`. */
  address: string
}

export interface ConfigSources {
  env: (name: string) => string | undefined
  /** Reads a file's text, or undefined when it does not exist. */
  readFile: (path: string) => string | undefined
}

export const systemSources: ConfigSources = {
  env: envValue,
  readFile(path) {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  },
}

/** "127.0.0.1:7070" or "https://127.0.0.1:7070/" -> "https://127.0.0.1:7070". */
export function normalizeServer(address: string): string {
  const withScheme = /^https?:\/\//.test(address) ? address : `https://${address}`
  return withScheme.replace(/\/+$/, '')
}

export function readDaemonInfo(dataDir: string, sources: ConfigSources = systemSources): DaemonInfo | undefined {
  const text = sources.readFile(join(dataDir, DATA_FILES.daemon))
  if (text === undefined) return undefined
  try {
    const info = JSON.parse(text) as { pid?: unknown; address?: unknown; url?: unknown }
    const address =
      typeof info.address === 'string' ? info.address : typeof info.url === 'string' ? info.url : undefined
    return typeof info.pid === 'number' && address ? { pid: info.pid, address } : undefined
  } catch {
    return undefined
  }
}

export function resolveConnection(flags: ConnectionFlags, sources: ConfigSources = systemSources): Connection {
  const dataDir = resolveDataDir(flags.dataDir ?? sources.env('BATON_HOME') ?? defaultDataDir(sources.env))
  if (flags.kubeconfig !== undefined || flags.context !== undefined) {
    const target = fromKubeconfig(flags, sources)
    const token = flags.token ?? target.token
    return {
      server: normalizeServer(flags.server ?? target.server),
      token: token || undefined,
      dataDir,
      ca: target.caPem,
      namespace: target.namespace,
    }
  }
  const address =
    flags.server ??
    sources.env('BATON_SERVER') ??
    readDaemonInfo(dataDir, sources)?.address ??
    `${DEFAULT_API_HOST}:${DEFAULT_API_PORT}`
  const token = flags.token ?? sources.env('BATON_TOKEN') ?? sources.readFile(join(dataDir, DATA_FILES.token))?.trim()
  const server = normalizeServer(address)
  const ca = server.startsWith('https:') ? sources.readFile(join(dataDir, DATA_FILES.caCert)) : undefined
  return { server, token: token || undefined, dataDir, ca }
}

const parseYaml = (text: string): unknown =>
  // Loaded only here: a kubeconfig is YAML, and only --kubeconfig / --context pay for the parser.
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text)

/** The context that --kubeconfig / --context name, as kubectl finds it. */
function fromKubeconfig(flags: ConnectionFlags, sources: ConfigSources) {
  const files = flags.kubeconfig !== undefined ? [resolve(flags.kubeconfig)] : kubeconfigPaths(sources.env)
  const configs: Kubeconfig[] = []
  for (const file of files) {
    const text = sources.readFile(file)
    if (text === undefined) {
      // kubectl too skips a missing file of $KUBECONFIG, but not one named by --kubeconfig.
      if (flags.kubeconfig !== undefined)
        throw new BatonError('BATON_KUBECONFIG', `the kubeconfig ${file} does not exist or cannot be read`, {
          hint: "`baton kubeconfig` prints the daemon's own (it is <data-dir>/kubeconfig)",
        })
      continue
    }
    let value: unknown
    try {
      value = parseYaml(text)
    } catch (err) {
      throw new BatonError('BATON_KUBECONFIG', `the kubeconfig ${file} is not valid YAML: ${(err as Error).message}`, {
        hint: 'Fix the file, or point --kubeconfig at another',
        cause: err,
      })
    }
    // Files a cluster or user names are relative to the kubeconfig that names them.
    configs.push(withAbsolutePaths(asKubeconfig(value, file), dirname(file)))
  }
  const source = files.length === 1 ? files[0]! : `the kubeconfig files ${files.join(', ')}`
  return selectContext(combineKubeconfigs(configs), source, flags.context, (path) => {
    const text = sources.readFile(path)
    if (text === undefined)
      throw new BatonError('BATON_KUBECONFIG', `${path}, named in ${source}, does not exist or cannot be read`, {
        hint: 'Fix the path in the kubeconfig, or put the data inline (certificate-authority-data, token)',
      })
    return text
  })
}

function withAbsolutePaths(config: Kubeconfig, base: string): Kubeconfig {
  const abs = (p: unknown) => (typeof p === 'string' && p !== '' && !isAbsolute(p) ? join(base, p) : p)
  return {
    ...config,
    clusters: config.clusters.map((c) =>
      c.cluster?.['certificate-authority'] !== undefined
        ? {
            ...c,
            cluster: { ...c.cluster, 'certificate-authority': abs(c.cluster['certificate-authority']) as string },
          }
        : c,
    ),
    users: config.users.map((u) =>
      u.user?.tokenFile !== undefined ? { ...u, user: { ...u.user, tokenFile: abs(u.user.tokenFile) as string } } : u,
    ),
  }
}
