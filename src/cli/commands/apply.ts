/**
 * @module
 * `baton apply -f`: create what is missing, change what differs ("configured"), leave the rest
 * ("unchanged"), remembering each manifest in kubectl.kubernetes.io/last-applied-configuration
 * so the next apply knows which fields the user dropped.
 *
 * A change that starts a rolling update without minReadySeconds gets a warning on stderr, as
 * kubectl prints the API server's warnings (the API has no warning header: the CLI decides,
 * from the objects it already holds, with the same rule as `rollout plan`).
 */
import { applyDefaults } from '../../api/defaults.ts'
import { retryOnConflict } from '../../api/retry-on-conflict.ts'
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, Deployment } from '../../api/types.ts'
import { LAST_APPLIED_ANNOTATION } from '../../rollout/annotations.ts'
import { minReadySecondsAdvice } from '../../rollout/min-ready-advice.ts'
import { canonicalJson } from '../../rollout/template-hash.ts'
import { ServerError, type ApiClient } from '../client.ts'
import { bool, defineCommand, type CliContext } from '../command.ts'
import { filenames, forEachObject, readManifests } from './manifests.ts'
import { recordChangeCause } from './mutate.ts'
import { parseOutput, type OutputFormat } from './output.ts'
import { threeWayMerge } from './three-way-merge.ts'

export interface ApplyOptions {
  files: string[]
  record: boolean
  output: OutputFormat
}

type Outcome = 'created' | 'configured' | 'unchanged'

const isNotFound = (err: unknown) => err instanceof ServerError && err.code === 'BATON_NOT_FOUND'

/** The manifest as it will be sent: with its own text remembered, and --record's change-cause. */
function desiredObject(manifest: AnyObject, ctx: CliContext, record: boolean): AnyObject {
  const desired = structuredClone(manifest)
  recordChangeCause(desired.metadata, ctx, record)
  const remembered = structuredClone(desired)
  delete remembered.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
  desired.metadata.annotations = {
    ...desired.metadata.annotations,
    [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(remembered)}\n`,
  }
  return desired
}

/** The warning for an update of `live` to `next`: a new pod template rolls out. */
function rolloutWarning(live: AnyObject, next: AnyObject): string | undefined {
  if (live.kind !== 'Deployment' || next.kind !== 'Deployment') return undefined
  if (canonicalJson(live.spec.template) === canonicalJson(next.spec.template)) return undefined
  const advice = minReadySecondsAdvice(next as Deployment)
  return advice && `deployment.apps/${next.metadata.name}: ${advice}`
}

/**
 * What an update can change of `obj`: not its status (written through /status only) nor its
 * creationTimestamp (set once by the server). `kubectl create ... --dry-run=client -o yaml`
 * writes `creationTimestamp: null` and `status: {}`, which a manifest kept that way would
 * otherwise bring to every apply as a difference the server then ignores.
 */
function asStored(obj: AnyObject): AnyObject {
  const { status: _status, ...rest } = obj as AnyObject & { status?: unknown }
  const { creationTimestamp: _created, ...metadata } = rest.metadata
  return { ...rest, metadata } as AnyObject
}

export async function applyOne(client: ApiClient, desired: AnyObject): Promise<{ outcome: Outcome; warning?: string }> {
  const { kind } = desired
  const { namespace = 'default', name } = desired.metadata
  return retryOnConflict(async (): Promise<{ outcome: Outcome; warning?: string }> => {
    let live: AnyObject
    try {
      live = await client.get(kind, namespace, name)
    } catch (err) {
      if (!isNotFound(err)) throw err
      await client.create(desired)
      return { outcome: 'created' }
    }
    const lastText = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
    const last = lastText ? (JSON.parse(lastText) as unknown) : {}
    const { status: _status, ...liveWithoutStatus } = live as AnyObject & { status?: unknown }
    const merged = threeWayMerge(liveWithoutStatus, last, desired) as AnyObject
    merged.metadata.resourceVersion = live.metadata.resourceVersion
    // Compare as the server will store it, so a manifest that leaves defaults out is "unchanged".
    const next = applyDefaults(merged)
    if (canonicalJson(asStored(next)) === canonicalJson(asStored(applyDefaults(liveWithoutStatus as AnyObject))))
      return { outcome: 'unchanged' }
    await client.update(merged)
    const warning = rolloutWarning(live, next)
    return warning ? { outcome: 'configured', warning } : { outcome: 'configured' }
  })
}

export const applyCommand = defineCommand<ApplyOptions>({
  path: ['apply'],
  summary: 'Apply a configuration to a resource by file name or stdin',
  usage: '(-f FILENAME | -f DIRECTORY | -f -) [flags]',
  examples: [
    '  baton apply -f deploy.yaml',
    '  baton apply -f ./manifests/',
    '  cat deploy.yaml | baton apply -f -',
    '  baton apply -f deploy.yaml --record',
  ].join('\n'),
  flags: [
    {
      flags: '-f, --filename <file>',
      description: 'File, directory or - (stdin) holding the manifests',
      repeatable: true,
    },
    { flags: '--record', description: 'Record the command in the kubernetes.io/change-cause annotation' },
    { flags: '-o, --output <format>', description: 'Output format: name' },
  ],
  complete: (_args, flags) => ({
    files: filenames(flags),
    record: bool(flags.record),
    output: parseOutput(flags.output, ['table', 'name']),
  }),
  async run(o, ctx) {
    const objects = await readManifests(o.files, ctx)
    const client = ctx.client()
    await forEachObject(objects, async (manifest) => {
      const { outcome, warning } = await applyOne(client, desiredObject(manifest, ctx, o.record))
      if (warning) ctx.io.err.write(`Warning: ${warning}\n`)
      const ref = `${qualifiedSingular(manifest.kind)}/${manifest.metadata.name}`
      ctx.io.out.write(o.output === 'name' ? `${ref}\n` : `${ref} ${outcome}\n`)
    })
    return 0
  },
})
