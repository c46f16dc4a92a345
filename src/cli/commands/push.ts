/**
 * @module
 * `baton push NAME:TAG PATH [--force]`: a directory is packed (gzip tar) and sent to the
 * daemon's artifact store; a .tar.gz is sent as it is. Either way the archive is streamed,
 * never held whole in memory, with a progress bar on stderr when it is a terminal
 * (printers/push-progress.ts). Images in manifests then name it (`image: web:v2`).
 */
import { createReadStream } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { create } from 'tar'
import { BatonError } from '../../errors/baton-error.ts'
import { bool, defineCommand, str, usageError, type CliContext } from '../command.ts'
import { pushProgressLine, tarSizeEstimate } from '../printers/push-progress.ts'

export interface PushOptions {
  ref: string
  path: string
  force: boolean
  cmd?: string[]
}

/**
 * `--cmd`'s text in Docker's two forms: a JSON array runs as it is (exec form), any other text
 * runs under `/bin/sh -c` (shell form). The daemon checks the array's shape.
 */
export function parseCmdFlag(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed === '') throw usageError('--cmd is empty', `e.g. --cmd 'node server.js' or --cmd '["node","server.js"]'`)
  if (!trimmed.startsWith('[')) return ['/bin/sh', '-c', trimmed]
  try {
    return JSON.parse(trimmed) as string[]
  } catch {
    throw usageError(
      `--cmd ${text} is not a JSON array`,
      `e.g. --cmd '["node","server.js"]', or without brackets for a shell command`,
    )
  }
}

/**
 * The directory as a gzip tar stream, packed while it is sent; `onRead` gets the tar bytes packed
 * so far. Node streams throughout, so each stage reads only when the next has room.
 */
export function packDirectory(dir: string, onRead?: (bytes: number) => void): Readable {
  const tar = create({ cwd: dir, portable: true, maxReadSize: 64 * 1024 }, ['.']) as unknown as AsyncIterable<Buffer>
  const gzip = createGzip()
  pipeline(tar, counted(onRead), gzip).catch(ignored)
  return gzip
}

/** A stage's failure has destroyed the pipeline's last stream with it, and the upload reading it reports it. */
const ignored = () => {}

function counted(onRead?: (bytes: number) => void): Transform {
  let bytes = 0
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.byteLength
      onRead?.(bytes)
      done(null, chunk)
    },
  })
}

function fileStream(path: string, onRead?: (bytes: number) => void): Readable {
  const out = counted(onRead)
  pipeline(createReadStream(path), out).catch(ignored)
  return out
}

/** The tar size a folder packs into, estimated from its entries (the progress bar's total). */
async function folderTarSize(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true })
  const sizes = await Promise.all(
    names.map(async (n) => {
      const st = await lstat(join(dir, n))
      return { size: st.isFile() ? st.size : 0 }
    }),
  )
  return tarSizeEstimate([{ size: 0 }, ...sizes])
}

/** Redraws the bar at most ten times a second; `end` leaves it at its last state on its own line. */
function progressBar(ctx: CliContext, ref: string, total: number) {
  let last = Number.NEGATIVE_INFINITY
  let read = 0
  const draw = (done: boolean) => ctx.io.err.write(`\r${pushProgressLine(ref, read, total, done)}\x1b[K`)
  return {
    update(bytes: number) {
      read = bytes
      const now = ctx.clock.now()
      if (now - last < 100) return
      last = now
      draw(false)
    },
    end(done: boolean) {
      draw(done)
      ctx.io.err.write('\n')
    },
  }
}

export const pushCommand = defineCommand<PushOptions>({
  path: ['push'],
  summary: 'Push a directory (or .tar.gz) as an artifact that images can name',
  args: '[args...]',
  usage: 'NAME:TAG PATH [--force] [--cmd COMMAND] [flags]',
  examples: [
    '  baton push web:v2 ./app',
    '  baton push web:v2 ./app.tar.gz --force',
    "  baton push web:v2 ./app --cmd 'node server.js'      # containers without command run this",
  ].join('\n'),
  flags: [
    { flags: '--force', description: 'Move the tag even if it already names other content' },
    {
      flags: '--cmd <command>',
      description: `The artifact's default command, like an image's CMD: a JSON array, or a shell command`,
    },
  ],
  complete(args, flags) {
    const [ref, path, ...rest] = args
    if (!ref || !path || rest.length > 0)
      throw usageError('push takes NAME:TAG and PATH', 'e.g. baton push web:v2 ./app')
    const cmd = str(flags.cmd)
    return { ref, path, force: bool(flags.force), ...(cmd !== undefined ? { cmd: parseCmdFlag(cmd) } : {}) }
  },
  async run(o, ctx) {
    const info = await stat(o.path).catch(() => undefined)
    if (!info)
      throw new BatonError('BATON_USAGE', `the path "${o.path}" does not exist`, {
        hint: 'Push a directory or a .tar.gz file',
      })
    const bar = ctx.io.errIsTTY
      ? progressBar(ctx, o.ref, info.isDirectory() ? await folderTarSize(o.path) : info.size)
      : undefined
    const onRead = bar ? (n: number) => bar.update(n) : undefined
    const archive = info.isDirectory() ? packDirectory(o.path, onRead) : fileStream(o.path, onRead)
    let pushed: Awaited<ReturnType<ReturnType<CliContext['client']>['push']>>
    try {
      pushed = await ctx.client().push(o.ref, archive, o.force, o.cmd)
    } catch (err) {
      bar?.end(false)
      throw err
    }
    bar?.end(true)
    ctx.io.out.write(
      `${pushed.name}:${pushed.tag ?? 'latest'} pushed (digest ${pushed.digest}, ${pushed.size} bytes)\n`,
    )
    return 0
  },
})
