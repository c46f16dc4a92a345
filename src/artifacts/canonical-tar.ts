/**
 * @module
 * The canonical form of an artifact, which is what its digest is taken over: an uncompressed
 * tar with entries in sorted path order, mtime 0 (directories: none), no owner, user or
 * group names, and modes reduced to 0644 / 0755 (executable files) / 0755 (directories).
 * So the same files give the same digest whichever machine, umask, clock or archiver made
 * them, and pushing a folder or a .tar.gz of that folder gives the same artifact.
 *
 * Hard links are broken into separate files while staging: a folder copy never has them and
 * a tarball may, and the two must not hash differently.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { chmod, copyFile, lstat, rename } from 'node:fs/promises'
import path from 'node:path'
import { create } from 'tar'
import type { TreeEntry } from './archive-safety.ts'

export const FILE_MODE = 0o644
export const EXEC_MODE = 0o755
export const DIR_MODE = 0o755

/** Rewrites a staged tree in place into canonical modes and link structure. */
export async function normalizeStagedTree(root: string, entries: readonly TreeEntry[]): Promise<void> {
  for (const e of entries) {
    const abs = path.join(root, e.rel)
    if (e.kind === 'dir') {
      await chmod(abs, DIR_MODE)
    } else if (e.kind === 'file') {
      const st = await lstat(abs)
      if (st.nlink > 1) {
        // Replace this name with a private copy so no two paths share an inode.
        const tmp = `${abs}.baton-unlink`
        await copyFile(abs, tmp)
        await rename(tmp, abs)
      }
      await chmod(abs, st.mode & 0o111 ? EXEC_MODE : FILE_MODE)
    }
  }
}

/** Writes the canonical tar of `root` (already normalized) to `file`. */
export async function writeCanonicalTar(root: string, entries: readonly TreeEntry[], file: string): Promise<void> {
  await create(
    { cwd: root, file, portable: true, mtime: new Date(0), noDirRecurse: true, follow: false, strict: true },
    entries.map((e) => e.rel),
  )
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
