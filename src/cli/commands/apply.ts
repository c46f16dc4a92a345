/**
 * @module
 * `baton apply -f`: create what is missing, change what differs ("configured"), leave the rest
 * ("unchanged"), remembering each manifest in kubectl.kubernetes.io/last-applied-configuration
 * so the next apply knows which fields the user dropped.
 */
import { applyDefaults } from '../../api/defaults.ts'
import { retryOnConflict } from '../../api/retry-on-conflict.ts'
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject } from '../../api/types.ts'
import { LAST_APPLIED_ANNOTATION } from '../../rollout/annotations.ts'
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
  desired.metadata.annotations = { ...desired.metadata.annotations, [LAST_APPLIED_ANNOTATION]: JSON.stringify(remembered) + '\n' }
  return desired
}

export async function applyOne(client: ApiClient, desired: AnyObject): Promise<Outcome> {
  const { kind } = desired
  const { namespace = 'default', name } = desired.metadata
  return retryOnConflict(async (): Promise<Outcome> => {
    let live: AnyObject
    try {
      live = await client.get(kind, namespace, name)
    } catch (err) {
      if (!isNotFound(err)) throw err
      await client.create(desired)
      return 'created'
    }
    const lastText = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION]
    const last = lastText ? (JSON.parse(lastText) as unknown) : {}
    const { status: _status, ...liveWithoutStatus } = live as AnyObject & { status?: unknown }
    const merged = threeWayMerge(liveWithoutStatus, last, desired) as AnyObject
    merged.metadata.resourceVersion = live.metadata.resourceVersion
    // Compare as the server will store it, so a manifest that leaves defaults out is "unchanged".
    if (canonicalJson(applyDefaults(merged)) === canonicalJson(applyDefaults(liveWithoutStatus as AnyObject))) return 'unchanged'
    await client.update(merged)
    return 'configured'
  })
}

export const applyCommand = defineCommand<ApplyOptions>({
  path: ['apply'],
  summary: 'Apply a configuration to a resource by file name or stdin',
  usage: '(-f FILENAME | -f DIRECTORY | -f -) [flags]',
  examples: ['  baton apply -f deploy.yaml', '  baton apply -f ./manifests/', '  cat deploy.yaml | baton apply -f -', '  baton apply -f deploy.yaml --record'].join('\n'),
  flags: [
    { flags: '-f, --filename <file>', description: 'File, directory or - (stdin) holding the manifests', repeatable: true },
    { flags: '--record', description: 'Record the command in the kubernetes.io/change-cause annotation' },
    { flags: '-o, --output <format>', description: 'Output format: name' },
  ],
  complete: (_args, flags) => ({ files: filenames(flags), record: bool(flags.record), output: parseOutput(flags.output, ['table', 'name']) }),
  async run(o, ctx) {
    const objects = await readManifests(o.files, ctx)
    const client = ctx.client()
    await forEachObject(objects, async (manifest) => {
      const outcome = await applyOne(client, desiredObject(manifest, ctx, o.record))
      const ref = `${qualifiedSingular(manifest.kind)}/${manifest.metadata.name}`
      ctx.io.out.write(o.output === 'name' ? `${ref}\n` : `${ref} ${outcome}\n`)
    })
    return 0
  },
})
