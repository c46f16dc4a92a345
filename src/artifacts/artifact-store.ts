/**
 * @module
 * The file-system artifact store: what `baton push web:v2 ./dir` writes and what each pod's
 * `image: web:v2` is unpacked from.
 *
 * Layout of the store directory:
 *
 *     blobs/sha256/<hex>   one canonical, uncompressed tar per artifact (canonical-tar.ts),
 *                          named by the sha256 of its bytes; written once, mode 0444
 *     tags.json            NAME -> TAG -> {digest, size, created} (tag-index.ts)
 *     tmp/                 staging for pushes in progress; removed on success and on failure
 *
 * A push stages the source inside the store (a folder is copied, an archive is unpacked
 * only after every header passed archive-safety.ts), checks the staged tree again, writes
 * its canonical tar, and only then moves the blob into place and updates the tag. Nothing
 * outside `tmp/` is touched before the content is known to be safe.
 */
import { createReadStream, existsSync, rmSync } from 'node:fs'
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { extract, Parser } from 'tar'
import { BatonError, isBatonError } from '../errors/baton-error.ts'
import { systemClock, type Clock } from '../platform/clock.ts'
import { DIGEST_RE, formatRef, parsePushRef, parseRef } from './artifact-ref.ts'
import { assertTreeSafe, checkEntryHeader } from './archive-safety.ts'
import { checkDefaultCommand, DEFAULT_COMMAND_FILE, readDefaultCommand } from './default-command.ts'
import { normalizeStagedTree, sha256File, writeCanonicalTar } from './canonical-tar.ts'
import { readTagFile, writeTagFile, type TagEntry } from './tag-index.ts'
import type { ArtifactInfo, ArtifactLimits, ArtifactRef, ArtifactStore } from './types.ts'

export interface ArtifactStoreOptions {
  clock?: Clock
}

/**
 * Opens (creating on first push) the artifact store rooted at `dir`.
 *
 * @example
 * const store = openArtifactStore('/var/lib/baton/artifacts')
 * const info = await store.push('web:v2', './examples/web/v2')
 * const ref = store.resolve('web:v2')            // { name: 'web', tag: 'v2', digest: 'sha256:…' }
 * await store.checkout(ref!.digest, '/var/lib/baton/pods/web-abc/app')
 */
export function openArtifactStore(dir: string, opts: ArtifactStoreOptions = {}): ArtifactStore {
  const clock = opts.clock ?? systemClock
  const blobPath = (digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length))
  let tmpSeq = 0
  const pushListeners = new Set<(pushed: ArtifactInfo) => void>()

  function tagArtifact(
    name: string,
    tag: string,
    digest: string,
    size: number,
    force: boolean,
    cmd: string[] | undefined,
  ): ArtifactInfo {
    // Read-modify-write without an await in between: pushes in one process cannot interleave.
    const tags = readTagFile(dir)
    const repo = (tags.repositories[name] ??= {})
    const current = repo[tag]
    if (current && current.digest === digest) return toInfo(name, tag, current)
    if (current && !force) {
      throw new BatonError(
        'BATON_ARTIFACT_EXISTS',
        `artifact "${formatRef(name, tag)}" already exists with digest ${current.digest}`,
        { hint: 'push under a new tag, or pass --force to move it' },
      )
    }
    const entry: TagEntry = { digest, size, created: new Date(clock.now()).toISOString(), ...(cmd ? { cmd } : {}) }
    repo[tag] = entry
    writeTagFile(dir, tags, `${process.pid}-${++tmpSeq}`)
    return toInfo(name, tag, entry)
  }

  return {
    async push(ref, source, pushOpts = {}) {
      const { name, tag } = parsePushRef(ref)
      const kind = await sourceKind(source)
      await mkdir(path.join(dir, 'tmp'), { recursive: true })
      const work = await mkdtemp(path.join(dir, 'tmp', 'push-'))
      try {
        const staging = path.join(work, 'root')
        if (kind === 'dir') {
          await assertTreeSafe(source)
          await cp(source, staging, { recursive: true, verbatimSymlinks: true, errorOnExist: true })
        } else {
          await mkdir(staging)
          await unpackChecked(source, staging, pushOpts.limits)
        }
        if (pushOpts.cmd !== undefined) {
          checkDefaultCommand(pushOpts.cmd, 'the default command')
          await mkdir(path.join(staging, path.dirname(DEFAULT_COMMAND_FILE)), { recursive: true })
          await writeFile(path.join(staging, DEFAULT_COMMAND_FILE), `${JSON.stringify(pushOpts.cmd)}\n`)
        }
        const entries = await assertTreeSafe(staging)
        if (entries.length === 0) {
          throw new BatonError('BATON_INVALID', `artifact source "${source}" is empty`, {
            hint: 'push a folder (or archive) that holds the app files, e.g. server.js',
          })
        }
        await normalizeStagedTree(staging, entries)
        const tarFile = path.join(work, 'artifact.tar')
        await writeCanonicalTar(staging, entries, tarFile)
        const digest = `sha256:${await sha256File(tarFile)}`
        const { size } = await stat(tarFile)
        const blob = blobPath(digest)
        if (!existsSync(blob)) {
          await mkdir(path.dirname(blob), { recursive: true })
          await chmod(tarFile, 0o444)
          await rename(tarFile, blob)
        }
        const info = tagArtifact(name, tag, digest, size, pushOpts.force ?? false, readDefaultCommand(staging))
        for (const listener of pushListeners) listener(info)
        return info
      } finally {
        await rm(work, { recursive: true, force: true })
      }
    },

    onPushed(listener) {
      pushListeners.add(listener)
      return () => void pushListeners.delete(listener)
    },

    resolve(image) {
      const parsed = parseRef(image)
      if (!parsed) return undefined
      if (parsed.digest !== undefined) {
        if (!existsSync(blobPath(parsed.digest))) return undefined
        // Every tag of one digest holds the same command: it is part of the content.
        const tagged = Object.values(readTagFile(dir).repositories)
          .flatMap((r) => Object.values(r))
          .find((e) => e.digest === parsed.digest)
        return { name: parsed.name, digest: parsed.digest, ...(tagged?.cmd ? { cmd: tagged.cmd } : {}) }
      }
      const entry = readTagFile(dir).repositories[parsed.name]?.[parsed.tag]
      return entry
        ? { name: parsed.name, tag: parsed.tag, digest: entry.digest, ...(entry.cmd ? { cmd: entry.cmd } : {}) }
        : undefined
    },

    async checkout(digest, dest) {
      const blob = DIGEST_RE.test(digest) ? blobPath(digest) : undefined
      if (!blob || !existsSync(blob)) {
        throw new BatonError('BATON_ARTIFACT_NOT_FOUND', `artifact ${digest} is not in the store`, {
          hint: 'push it with `baton push NAME:TAG ./dir`',
        })
      }
      await mkdir(path.dirname(dest), { recursive: true })
      // Unpack beside dest and rename: a crash never leaves a half-filled pod copy at dest.
      const partial = await mkdtemp(`${dest}.partial-`)
      try {
        await extract({ file: blob, cwd: partial, strict: true, preserveOwner: false })
        await rename(partial, dest)
      } catch (e) {
        await removeCheckout(partial)
        throw e
      }
      await makeReadOnly(dest)
    },

    remove(ref) {
      const parsed = parseRef(ref)
      const tags = readTagFile(dir)
      const entry = parsed && parsed.digest === undefined ? tags.repositories[parsed.name]?.[parsed.tag] : undefined
      if (!parsed || !entry) {
        throw new BatonError('BATON_ARTIFACT_NOT_FOUND', `artifact "${ref}" is not in the store`, {
          hint: 'list the pushed artifacts with `baton images`; remove one by NAME:TAG',
        })
      }
      const repo = tags.repositories[parsed.name]!
      delete repo[parsed.tag]
      if (Object.keys(repo).length === 0) delete tags.repositories[parsed.name]
      writeTagFile(dir, tags, `${process.pid}-${++tmpSeq}`)
      const shared = Object.values(tags.repositories).some((r) =>
        Object.values(r).some((e) => e.digest === entry.digest),
      )
      // The blob goes only when no tag names it; a push of the same content writes it again.
      if (!shared) rmSync(blobPath(entry.digest), { force: true })
      return { removed: toInfo(parsed.name, parsed.tag, entry), deleted: !shared }
    },

    list() {
      const out: ArtifactInfo[] = []
      const repos = readTagFile(dir).repositories
      for (const name of Object.keys(repos).sort()) {
        const tags = repos[name] ?? {}
        for (const tag of Object.keys(tags).sort()) out.push(toInfo(name, tag, tags[tag] as TagEntry))
      }
      return out
    },
  }
}

/** Deletes a checkout made by `checkout` (its directories are read-only, so plain rm can fail). */
export async function removeCheckout(dir: string): Promise<void> {
  const makeWritable = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => undefined)
    if (!st?.isDirectory()) return
    await chmod(p, 0o755)
    for (const name of await readdir(p)) await makeWritable(path.join(p, name))
  }
  await makeWritable(dir)
  await rm(dir, { recursive: true, force: true })
}

function toInfo(name: string, tag: string, e: TagEntry): ArtifactInfo & ArtifactRef {
  return { name, tag, digest: e.digest, size: e.size, created: e.created, ...(e.cmd ? { cmd: e.cmd } : {}) }
}

async function sourceKind(source: string): Promise<'dir' | 'archive'> {
  const st = await stat(source).catch(() => undefined)
  if (st?.isDirectory()) return 'dir'
  if (st?.isFile() && /\.(tar\.gz|tgz|tar)$/.test(source)) return 'archive'
  throw new BatonError(
    'BATON_USAGE',
    st ? `artifact source "${source}" is neither a folder nor a .tar.gz` : `artifact source "${source}" does not exist`,
    { hint: 'pass a folder or a .tar.gz / .tgz / .tar archive of one' },
  )
}

/**
 * Reads every header of `archive` without unpacking it: each entry must pass
 * checkEntryHeader, and the declared sizes and the entry count must stay within `limits`.
 * A tar entry's data is exactly its declared size, so summing headers bounds what unpacking
 * will write, and a gzip bomb is refused at the first header past the limit, after
 * decompressing no more than that. (node-tar's compression-ratio guard is turned off: a
 * 2 GB sparse file compresses a thousandfold and is a legitimate artifact.)
 */
/**
 * Compressed bytes read at a time while scanning or unpacking. Deflate expands up to ~1000
 * times, and node-tar decompresses each read whole before the next can be refused or
 * paused: with its 16 MB default a 2 MB archive of a 2 GB sparse file sat in memory whole.
 */
const COMPRESSED_READ_BYTES = 8 * 1024

async function scanHeaders(archive: string, limits: ArtifactLimits | undefined): Promise<void> {
  let refused: unknown
  let bytes = 0
  let entries = 0
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(archive, { highWaterMark: COMPRESSED_READ_BYTES })
    const parser = new Parser({
      strict: true,
      maxDecompressionRatio: Infinity,
      onReadEntry: (e) => {
        try {
          checkEntryHeader({ path: e.path, type: e.type, linkpath: e.linkpath })
          bytes += e.size ?? 0
          entries++
          if (limits && bytes > limits.maxBytes) throw expandsBeyond(limits.maxBytes)
          if (limits && entries > limits.maxEntries) throw tooManyEntries(limits.maxEntries)
        } catch (err) {
          if (isBatonError(err) && err.code === 'BATON_TOO_LARGE') {
            // Stop reading: the rest of a bomb is never decompressed.
            refused = err
            input.destroy()
            parser.abort(new Error('refused'))
            return
          }
          refused ??= err
        }
        e.resume()
      },
    })
    input.on('error', (err) => (refused ? resolve() : reject(err)))
    parser.on('error', (err: unknown) => (refused ? resolve() : reject(err)))
    parser.on('abort', () => resolve())
    parser.on('end', () => resolve())
    input.pipe(parser)
  }).catch((e: unknown) => {
    throw notAnArchive(archive, e)
  })
  if (refused) throw refused
}

function expandsBeyond(max: number): BatonError {
  return new BatonError('BATON_TOO_LARGE', `the archive expands beyond the limit of ${max} bytes`, {
    hint: 'push a smaller artifact, or start the daemon with a higher --max-artifact-bytes',
  })
}

function tooManyEntries(max: number): BatonError {
  return new BatonError(
    'BATON_TOO_LARGE',
    `the archive holds more than ${max} entries (files, directories and links)`,
    {
      hint: 'push fewer files (bundle them), or start the daemon with a higher --max-artifact-entries',
    },
  )
}

/** Checks every header first; unpacks only an archive whose every entry passed. */
async function unpackChecked(archive: string, staging: string, limits: ArtifactLimits | undefined): Promise<void> {
  await scanHeaders(archive, limits)
  try {
    await extract({
      file: archive,
      cwd: staging,
      strict: true,
      preserveOwner: false,
      maxDecompressionRatio: Infinity,
      maxReadSize: COMPRESSED_READ_BYTES,
    })
  } catch (e) {
    if (isBatonError(e)) throw e
    // node-tar refuses to write through a symlink the archive itself created.
    const where = (e as { path?: string }).path
    const entry = where ? path.relative(staging, where) || '.' : archive
    throw new BatonError('BATON_ARTIFACT_UNSAFE', `archive entry "${entry}" could not be unpacked safely`, {
      hint: 'rebuild the archive from one folder with relative paths and links that stay inside it',
      cause: e,
    })
  }
}

function notAnArchive(archive: string, cause: unknown): BatonError {
  return new BatonError('BATON_INVALID', `artifact source "${archive}" is not a readable tar archive`, {
    hint: 'create it with `tar czf app.tgz -C ./dir .`',
    cause,
  })
}

/** chmod a-w over the whole tree, children before parents, so the pod cannot change its copy. */
async function makeReadOnly(p: string): Promise<void> {
  const st = await lstat(p)
  if (st.isSymbolicLink()) return
  if (st.isDirectory()) for (const name of await readdir(p)) await makeReadOnly(path.join(p, name))
  await chmod(p, st.mode & 0o7777 & ~0o222)
}
