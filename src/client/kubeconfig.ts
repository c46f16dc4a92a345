/**
 * @module
 * kubeconfig, as kubectl reads it (clientcmd's v1 Config): the daemon's own (written into its
 * data directory at every start), merging it into a user's file as one named context, and
 * picking the server, CA and token of a context.
 *
 * What a context may use is what Baton's client can honour: a server, a CA (inline or a file)
 * and a bearer token (inline or a file). A user or cluster asking for anything else (client
 * certificates, an exec plugin, skipping TLS verification, a proxy) is refused by name
 * (BATON_KUBECONFIG) rather than silently dropped. Pure: reading files and YAML is the caller's.
 */
import { BatonError } from '../errors/baton-error.ts'

export interface KubeCluster {
  server: string
  'certificate-authority-data'?: string
  'certificate-authority'?: string
  [field: string]: unknown
}

export interface KubeUser {
  token?: string
  tokenFile?: string
  [field: string]: unknown
}

export interface KubeContext {
  cluster: string
  user: string
  namespace?: string
  [field: string]: unknown
}

export interface Kubeconfig {
  apiVersion: 'v1'
  kind: 'Config'
  clusters: Array<{ name: string; cluster: KubeCluster }>
  contexts: Array<{ name: string; context: KubeContext }>
  users: Array<{ name: string; user: KubeUser }>
  'current-context': string
  preferences?: Record<string, unknown>
  [field: string]: unknown
}

/** The name of the daemon's cluster, user and context unless told otherwise. */
export const DEFAULT_CONTEXT = 'baton'

/** PEM is ASCII, so the browser's btoa/atob carry it both ways. */
const toBase64 = (text: string) => btoa(text)
const fromBase64 = (b64: string) => atob(b64.replace(/\s+/g, ''))

export function daemonKubeconfig(opts: {
  server: string
  caPem?: string | undefined
  token: string
  name?: string
}): Kubeconfig {
  const name = opts.name ?? DEFAULT_CONTEXT
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: { server: opts.server, ...(opts.caPem ? { 'certificate-authority-data': toBase64(opts.caPem) } : {}) },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    users: [{ name, user: { token: opts.token } }],
    'current-context': name,
    preferences: {},
  }
}

const LISTS = ['clusters', 'contexts', 'users'] as const

function kubeconfigError(message: string, hint: string): BatonError {
  return new BatonError('BATON_KUBECONFIG', message, { hint })
}

/** A parsed file's value as a Config, or BATON_KUBECONFIG naming `source`. */
export function asKubeconfig(value: unknown, source: string): Kubeconfig {
  if (value === null || value === undefined) value = {}
  if (typeof value !== 'object' || Array.isArray(value))
    throw kubeconfigError(
      `${source} is not a kubeconfig: it holds no mapping`,
      'Write it as kubectl does (kind: Config)',
    )
  const v = value as Record<string, unknown>
  if (v.kind !== undefined && v.kind !== 'Config')
    throw kubeconfigError(`${source} is not a kubeconfig: its kind is ${JSON.stringify(v.kind)}`, 'Use kind: Config')
  for (const list of LISTS) {
    if (v[list] !== undefined && v[list] !== null && !Array.isArray(v[list]))
      throw kubeconfigError(`${source}: ${list} is not a list`, `Write ${list} as a list of {name, …} entries`)
  }
  return {
    ...v,
    apiVersion: 'v1',
    kind: 'Config',
    clusters: (v.clusters as Kubeconfig['clusters'] | null) ?? [],
    contexts: (v.contexts as Kubeconfig['contexts'] | null) ?? [],
    users: (v.users as Kubeconfig['users'] | null) ?? [],
    'current-context': typeof v['current-context'] === 'string' ? v['current-context'] : '',
  }
}

/**
 * `entry` (one cluster, user and context) merged into `into`: entries of the same names are
 * replaced, every other one is kept, and the current context is set only when there was none.
 */
export function mergeKubeconfig(into: Kubeconfig, entry: Kubeconfig): Kubeconfig {
  const out: Kubeconfig = { ...into }
  for (const list of LISTS) {
    const adding = entry[list] as Array<{ name: string }>
    const names = new Set(adding.map((e) => e.name))
    ;(out as Record<string, unknown>)[list] = [
      ...(into[list] as Array<{ name: string }>).filter((e) => !names.has(e.name)),
      ...adding,
    ]
  }
  if (!out['current-context']) out['current-context'] = entry['current-context']
  return out
}

/** Several files, as $KUBECONFIG lists them: the first file that names an entry wins, as in kubectl. */
export function combineKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const out = asKubeconfig({}, '')
  for (const c of configs) {
    for (const list of LISTS) {
      const have = new Set((out[list] as Array<{ name: string }>).map((e) => e.name))
      ;(out as Record<string, unknown>)[list] = [
        ...(out[list] as Array<{ name: string }>),
        ...(c[list] as Array<{ name: string }>).filter((e) => !have.has(e.name)),
      ]
    }
    if (!out['current-context'] && c['current-context']) out['current-context'] = c['current-context']
  }
  return out
}

/** What a context gives the client. */
export interface KubeTarget {
  context: string
  server: string
  token?: string
  /** PEM of the CA to trust; none means the system's roots. */
  caPem?: string
  namespace?: string
}

/** Fields of a cluster and a user that Baton's client honours; any other is refused. */
const CLUSTER_FIELDS = new Set(['server', 'certificate-authority-data', 'certificate-authority', 'extensions'])
const USER_FIELDS = new Set(['token', 'tokenFile', 'extensions'])

/**
 * The server, CA, token and namespace of `context` (default: the current context). `readFile`
 * reads a file a cluster or user names (`certificate-authority`, `tokenFile`); relative paths
 * are the caller's to resolve, as kubectl resolves them against the file they came from.
 */
export function selectContext(
  config: Kubeconfig,
  source: string,
  context: string | undefined,
  readFile: (path: string) => string,
): KubeTarget {
  const name = context ?? config['current-context']
  const seeContexts = `The contexts in ${source}: ${config.contexts.map((c) => c.name).join(', ') || '(none)'}`
  if (!name) throw kubeconfigError(`${source} has no current-context`, `Pass --context NAME. ${seeContexts}`)
  const ctx = config.contexts.find((c) => c.name === name)?.context
  if (!ctx) throw kubeconfigError(`context "${name}" is not in ${source}`, seeContexts)
  const cluster = config.clusters.find((c) => c.name === ctx.cluster)?.cluster
  if (!cluster)
    throw kubeconfigError(`context "${name}" names cluster "${ctx.cluster}", which is not in ${source}`, seeContexts)
  const user = ctx.user ? config.users.find((u) => u.name === ctx.user)?.user : {}
  if (!user) throw kubeconfigError(`context "${name}" names user "${ctx.user}", which is not in ${source}`, seeContexts)
  if (typeof cluster.server !== 'string' || !/^https?:\/\//.test(cluster.server))
    throw kubeconfigError(
      `cluster "${ctx.cluster}" in ${source} has no server URL`,
      'Set clusters[].cluster.server, e.g. https://127.0.0.1:7070',
    )
  const unsupported = (what: string, entry: Record<string, unknown>, allowed: Set<string>) => {
    const extra = Object.keys(entry).filter((k) => !allowed.has(k) && entry[k] !== undefined && entry[k] !== false)
    if (extra.length > 0)
      throw kubeconfigError(
        `${what} in ${source} uses ${extra.map((k) => `"${k}"`).join(', ')}, which Baton's client does not support`,
        'Baton speaks HTTPS with a CA (certificate-authority or certificate-authority-data) and a bearer token (token or tokenFile); `baton kubeconfig` prints such a context',
      )
  }
  unsupported(`cluster "${ctx.cluster}"`, cluster, CLUSTER_FIELDS)
  unsupported(`user "${ctx.user}"`, user, USER_FIELDS)
  const caPem = cluster['certificate-authority-data']
    ? fromBase64(cluster['certificate-authority-data'])
    : cluster['certificate-authority']
      ? readFile(cluster['certificate-authority'])
      : undefined
  const token = user.token ?? (user.tokenFile ? readFile(user.tokenFile).trim() : undefined)
  return {
    context: name,
    server: cluster.server.replace(/\/+$/, ''),
    ...(token ? { token } : {}),
    ...(caPem ? { caPem } : {}),
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
  }
}
