/**
 * @module
 * `baton push NAME:TAG PATH [--force]`: a directory is packed (gzip tar) and sent to the
 * daemon's artifact store; a .tar.gz is sent as it is. Images in manifests then name it
 * (`image: web:v2`).
 */
import { readFile, stat } from 'node:fs/promises'
import { create } from 'tar'
import { BatonError } from '../../errors/baton-error.ts'
import { bool, defineCommand, usageError } from '../command.ts'

export interface PushOptions {
  ref: string
  path: string
  force: boolean
}

export async function packDirectory(dir: string): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, ['.']) as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export const pushCommand = defineCommand<PushOptions>({
  path: ['push'],
  summary: 'Push a directory (or .tar.gz) as an artifact that images can name',
  args: '[args...]',
  usage: 'NAME:TAG PATH [--force] [flags]',
  examples: ['  baton push web:v2 ./app', '  baton push web:v2 ./app.tar.gz --force'].join('\n'),
  flags: [{ flags: '--force', description: 'Move the tag even if it already names other content' }],
  complete(args, flags) {
    const [ref, path, ...rest] = args
    if (!ref || !path || rest.length > 0) throw usageError('push takes NAME:TAG and PATH', 'e.g. baton push web:v2 ./app')
    return { ref, path, force: bool(flags.force) }
  },
  async run(o, ctx) {
    const info = await stat(o.path).catch(() => undefined)
    if (!info) throw new BatonError('BATON_USAGE', `the path "${o.path}" does not exist`, { hint: 'Push a directory or a .tar.gz file' })
    const archive = info.isDirectory() ? await packDirectory(o.path) : new Uint8Array(await readFile(o.path))
    const pushed = await ctx.client().push(o.ref, archive, o.force)
    ctx.io.out.write(`${pushed.name}:${pushed.tag ?? 'latest'} pushed (digest ${pushed.digest}, ${pushed.size} bytes)\n`)
    return 0
  },
})
