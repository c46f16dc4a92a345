/**
 * @module
 * `baton kubeconfig [--merge] [--name NAME]`: the daemon's kubeconfig (server, CA, token;
 * written into its data directory at every start). Printed by default; with --merge, added to
 * the first file of $KUBECONFIG, else ~/.kube/config (or the file --kubeconfig names) as one
 * context, replacing only the cluster, user and context of that name and keeping the file's
 * current context unless it had none.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parse, stringify } from 'yaml'
import { BatonError } from '../../errors/baton-error.ts'
import {
  asKubeconfig,
  DEFAULT_CONTEXT,
  daemonKubeconfig,
  mergeKubeconfig,
  selectContext,
} from '../../client/kubeconfig.ts'
import { DATA_FILES, kubeconfigPaths } from '../../platform/env.ts'
import { bool, defineCommand, str, usageError } from '../command.ts'
import { resolveConnection } from '../config.ts'

export interface KubeconfigOptions {
  merge: boolean
  name: string
  /** Where --merge writes. */
  target: string
  /** The daemon's data directory (not the connection: --kubeconfig names where to merge, not what to read). */
  dataDir: string
}

/** The daemon's kubeconfig as written in `dataDir`, or BATON_KUBECONFIG saying how to get one. */
export function readDaemonKubeconfig(dataDir: string): string {
  const file = join(dataDir, DATA_FILES.kubeconfig)
  try {
    return readFileSync(file, 'utf8')
  } catch {
    throw new BatonError('BATON_KUBECONFIG', `there is no kubeconfig in ${dataDir} (${file})`, {
      hint: 'The daemon writes it when it starts: run `baton up -d` (or pass --data-dir for another daemon)',
    })
  }
}

/** The daemon's kubeconfig merged into the text of `existing` (undefined: no file yet) as context `name`. */
export function mergedKubeconfig(
  daemonText: string,
  existing: string | undefined,
  target: string,
  name: string,
): string {
  const own = selectContext(
    asKubeconfig(parse(daemonText), "the daemon's kubeconfig"),
    "the daemon's kubeconfig",
    undefined,
    () => {
      throw new BatonError('BATON_KUBECONFIG', "the daemon's kubeconfig names a file", {
        hint: 'Start the daemon again to rewrite it',
      })
    },
  )
  let current: unknown
  try {
    current = existing === undefined ? {} : parse(existing)
  } catch (err) {
    throw new BatonError('BATON_KUBECONFIG', `the kubeconfig ${target} is not valid YAML: ${(err as Error).message}`, {
      hint: 'Fix it first (nothing was written), or merge into another file with --kubeconfig FILE',
      cause: err,
    })
  }
  const entry = daemonKubeconfig({ server: own.server, caPem: own.caPem, token: own.token ?? '', name })
  return stringify(mergeKubeconfig(asKubeconfig(current, target), entry))
}

export const kubeconfigCommand = defineCommand<KubeconfigOptions>({
  path: ['kubeconfig'],
  summary: "Print the daemon's kubeconfig, or merge it into ~/.kube/config as a context",
  usage: '[--merge] [--name=baton] [flags]',
  examples: [
    '  baton kubeconfig > baton.kubeconfig     # then: KUBECONFIG=baton.kubeconfig kubectl get pods',
    '  baton kubeconfig --merge                # then: kubectl --context baton get pods',
  ].join('\n'),
  flags: [
    {
      flags: '--merge',
      description: 'Add it to $KUBECONFIG (its first file), else ~/.kube/config, or the file --kubeconfig names',
    },
    { flags: '--name <name>', description: 'The name of its cluster, user and context', default: DEFAULT_CONTEXT },
  ],
  complete(_args, flags) {
    const name = str(flags.name) ?? DEFAULT_CONTEXT
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(name))
      throw usageError(`invalid --name "${name}"`, 'Use letters, digits and . _ @ -, e.g. --name baton-dev')
    const file = str(flags.kubeconfig)
    const dataDir = resolveConnection(str(flags.dataDir) ? { dataDir: str(flags.dataDir)! } : {}).dataDir
    return { merge: bool(flags.merge), name, target: file ? resolve(file) : kubeconfigPaths()[0]!, dataDir }
  },
  async run(o, ctx) {
    const text = readDaemonKubeconfig(o.dataDir)
    if (!o.merge) {
      ctx.io.out.write(o.name === DEFAULT_CONTEXT ? text : mergedKubeconfig(text, undefined, '(new)', o.name))
      return 0
    }
    const existing = existsSync(o.target) ? readFileSync(o.target, 'utf8') : undefined
    const merged = mergedKubeconfig(text, existing, o.target, o.name)
    mkdirSync(dirname(o.target), { recursive: true, mode: 0o700 })
    // Written beside and renamed over: a reader never sees half a file, and the token stays 0600.
    const tmp = `${o.target}.baton-${process.pid}`
    writeFileSync(tmp, merged, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, o.target)
    ctx.io.out.write(`Context "${o.name}" merged into ${o.target}. Use it with: kubectl --context ${o.name} get pods\n`)
    return 0
  },
})
