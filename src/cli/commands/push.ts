/**
 * @module
 * `baton push NAME:TAG PATH [--force]`: a directory is packed (gzip tar) and sent to the
 * daemon's artifact store; a .tar.gz is sent as it is. Either way the archive is streamed,
 * never held whole in memory. Images in manifests then name it (`image: web:v2`).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { create } from 'tar'
import { BatonError } from '../../errors/baton-error.ts'
import { bool, defineCommand, usageError } from '../command.ts'

export interface PushOptions {
  ref: string
  path: string
  force: boolean
}

/** The directory as a gzip tar stream, packed while it is sent. */
export function packDirectory(dir: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(
    Readable.from(create({ gzip: true, cwd: dir, portable: true }, ['.']) as AsyncIterable<Buffer>),
  ) as ReadableStream<Uint8Array>
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
    if (!ref || !path || rest.length > 0)
      throw usageError('push takes NAME:TAG and PATH', 'e.g. baton push web:v2 ./app')
    return { ref, path, force: bool(flags.force) }
  },
  async run(o, ctx) {
    const info = await stat(o.path).catch(() => undefined)
    if (!info)
      throw new BatonError('BATON_USAGE', `the path "${o.path}" does not exist`, {
        hint: 'Push a directory or a .tar.gz file',
      })
    const archive = info.isDirectory()
      ? packDirectory(o.path)
      : (Readable.toWeb(createReadStream(o.path)) as ReadableStream<Uint8Array>)
    const pushed = await ctx.client().push(o.ref, archive, o.force)
    ctx.io.out.write(
      `${pushed.name}:${pushed.tag ?? 'latest'} pushed (digest ${pushed.digest}, ${pushed.size} bytes)\n`,
    )
    return 0
  },
})
