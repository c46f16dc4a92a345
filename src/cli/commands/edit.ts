/**
 * @module
 * `baton edit (TYPE NAME | TYPE/NAME) [-o yaml|json]`: kubectl's edit. The object is written to
 * a temp file, opened in $KUBE_EDITOR, else $EDITOR, else vi (run through `sh -c`, so an editor
 * with arguments such as `code --wait` works), and what was changed is applied to the object as
 * it is then (a merge patch of the difference, so a status the controller wrote meanwhile is not
 * a conflict). Prints `deployment.apps/web edited`, or `Edit cancelled, no changes made.`.
 * When the daemon refuses the change, the file is reopened with the error at the top; saving it
 * unchanged gives up, keeping a copy of the edit.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { qualifiedSingular } from '../../api/resources.ts'
import { BatonError, isBatonError } from '../../errors/baton-error.ts'
import { envValue } from '../../platform/env.ts'
import { defineCommand, str, usageError } from '../command.ts'
import { formatError } from '../main.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'
import { jsonMergePatch } from './strategic-merge.ts'

export interface EditOptions {
  ref: ResourceRef
  format: 'yaml' | 'json'
  namespace: string
}

const HEADER = [
  "# Please edit the object below. Lines beginning with a '#' will be ignored,",
  '# and an empty file will abort the edit. If an error occurs while saving this file will be',
  '# reopened with the relevant failures.',
  '#',
].join('\n')

type Json = unknown
const isRec = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The JSON merge patch that turns `from` into `to` (keys removed become null; lists replace). */
export function mergePatchBetween(from: Json, to: Json): Json {
  if (!isRec(from) || !isRec(to)) return to
  const patch: Record<string, Json> = {}
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null
  for (const [k, v] of Object.entries(to)) {
    if (!(k in from)) patch[k] = v
    else if (JSON.stringify(from[k]) !== JSON.stringify(v))
      patch[k] = isRec(from[k]) && isRec(v) ? mergePatchBetween(from[k], v) : v
  }
  return patch
}

/** Runs the editor on `file`; resolves when it exits (an editor that fails is an error). */
function runEditor(file: string): Promise<void> {
  const editor = envValue('KUBE_EDITOR') ?? envValue('EDITOR') ?? 'vi'
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' })
    child.on('error', (err) =>
      reject(
        new BatonError('BATON_USAGE', `cannot start the editor "${editor}": ${err.message}`, {
          hint: 'Set KUBE_EDITOR or EDITOR',
          cause: err,
        }),
      ),
    )
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new BatonError('BATON_USAGE', `the editor "${editor}" exited with status ${code}`, {
              hint: 'Nothing was changed; set KUBE_EDITOR or EDITOR to a working editor',
            }),
          ),
    )
  })
}

const withoutComments = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')

export const editCommand = defineCommand<EditOptions>({
  path: ['edit'],
  summary: 'Edit a resource in your editor ($KUBE_EDITOR, $EDITOR, else vi)',
  args: '[resource...]',
  usage: '(TYPE NAME | TYPE/NAME) [-o yaml|json] [flags]',
  examples: [
    '  baton edit deployment web',
    '  KUBE_EDITOR="code --wait" baton edit svc/web',
    '  baton edit deploy/web -o json',
  ].join('\n'),
  flags: [{ flags: '-o, --output <format>', description: 'Edit as yaml (default) or json' }],
  complete(args, flags, ctx) {
    const format = str(flags.output) ?? 'yaml'
    if (format !== 'yaml' && format !== 'json')
      throw usageError(`the edit format must be yaml or json, not "${format}"`)
    return { ref: parseSingleRef(args), format, namespace: ctx.namespace }
  },
  async run(o, ctx) {
    const client = ctx.client()
    const original = await client.get(o.ref.kind, o.namespace, o.ref.name)
    const render = (obj: Json) => (o.format === 'json' ? `${JSON.stringify(obj, null, 4)}\n` : stringify(obj))
    const dir = mkdtempSync(join(tmpdir(), 'baton-edit-'))
    const file = join(dir, `${o.ref.name}.${o.format}`)
    let body = render(original)
    let errors = ''
    try {
      for (;;) {
        const shown = `${HEADER}\n${errors}${body}`
        writeFileSync(file, shown)
        await runEditor(file)
        const saved = readFileSync(file, 'utf8')
        const text = withoutComments(saved)
        if (text.trim() === '') {
          ctx.io.out.write('Edit cancelled, no objects found.\n')
          return 0
        }
        if (errors && saved === shown) {
          const copy = join(tmpdir(), `baton-edit-${o.ref.name}-${ctx.clock.now()}.${o.format}`)
          writeFileSync(copy, text)
          throw new BatonError(
            'BATON_INVALID',
            `Edit cancelled, no valid changes were saved.\nA copy of your changes has been stored to "${copy}"`,
            {
              hint: 'Fix the errors at the top of the copy and apply it with baton apply -f',
            },
          )
        }
        let edited: Json
        try {
          edited = parse(text)
        } catch (err) {
          errors = `# ${(err as Error).message.split('\n').join('\n# ')}\n#\n`
          body = text
          continue
        }
        const patch = mergePatchBetween(original, edited)
        if (isRec(patch) && Object.keys(patch).length === 0) {
          ctx.io.out.write('Edit cancelled, no changes made.\n')
          return 0
        }
        try {
          await updateWithRetry(client, o.ref.kind, o.namespace, o.ref.name, (live) => {
            const next = jsonMergePatch(live, patch)
            for (const k of Object.keys(live)) delete (live as unknown as Record<string, unknown>)[k]
            Object.assign(live, next)
          })
        } catch (err) {
          if (!isBatonError(err) || err.code === 'BATON_DAEMON_UNREACHABLE' || err.code === 'BATON_NOT_FOUND') throw err
          errors = `${formatError(err, false)
            .trimEnd()
            .split('\n')
            .map((l) => `# ${l}`)
            .join('\n')}\n#\n`
          body = text
          continue
        }
        ctx.io.out.write(`${qualifiedSingular(o.ref.kind)}/${o.ref.name} edited\n`)
        return 0
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
})
