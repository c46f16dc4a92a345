/**
 * @module
 * `<store>/tags.json`: which digest each NAME:TAG points at. Written whole to a temp file and
 * renamed over the old one, so a reader (or a crash) never sees half a file. Tags are the
 * only mutable part of the store; blobs never change once written.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { BatonError } from '../errors/baton-error.ts'
import { DIGEST_RE } from './artifact-ref.ts'

const TagEntry = z.object({
  digest: z.string().regex(DIGEST_RE),
  size: z.number().int().nonnegative(),
  created: z.string(),
  /** The artifact's default command (default-command.ts), kept here so admission need not unpack it. */
  cmd: z.array(z.string()).optional(),
})
export type TagEntry = z.infer<typeof TagEntry>

const TagFile = z.object({
  version: z.literal(1),
  /** name -> tag -> entry */
  repositories: z.record(z.string(), z.record(z.string(), TagEntry)),
})
export type TagFile = z.infer<typeof TagFile>

export function readTagFile(storeDir: string): TagFile {
  const file = path.join(storeDir, 'tags.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, repositories: {} }
    throw storeError(file, e)
  }
  try {
    return TagFile.parse(JSON.parse(text))
  } catch (e) {
    throw storeError(file, e)
  }
}

export function writeTagFile(storeDir: string, tags: TagFile, uniqueSuffix: string): void {
  const file = path.join(storeDir, 'tags.json')
  const tmp = `${file}.${uniqueSuffix}.tmp`
  try {
    writeFileSync(tmp, `${JSON.stringify(tags, null, 2)}\n`, { mode: 0o644 })
    renameSync(tmp, file)
  } catch (e) {
    throw storeError(file, e)
  }
}

function storeError(file: string, cause: unknown): BatonError {
  return new BatonError('BATON_STORE', `artifact tag index "${file}" could not be read or written`, {
    hint: 'check the data directory permissions; a corrupt tags.json can be restored from a backup or removed (artifacts must then be pushed again)',
    cause,
  })
}
