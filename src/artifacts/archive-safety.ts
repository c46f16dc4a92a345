/**
 * @module
 * What may enter the artifact store. An artifact is a plain tree of files, directories and
 * symlinks that stay inside it; anything that could reach outside the store or the pod's
 * copy is REFUSED with BATON_ARTIFACT_UNSAFE naming the entry (never silently stripped, so a
 * user never runs an artifact that differs from what they pushed).
 *
 * Two checks, because a header alone cannot prove a symlink safe:
 * - `checkEntryHeader` runs on every archive header before anything is written: absolute
 *   paths, ".." components, device/FIFO entries and links whose target leaves the root.
 * - `assertTreeSafe` walks an unpacked or copied tree and resolves each symlink the way the
 *   kernel would, through the other symlinks of the tree: `d -> .` plus `d/l -> ../x` looks
 *   harmless lexically ("d/../x" = "x") but really points at "../x".
 */
import { lstat, readdir, readlink } from 'node:fs/promises'
import { lstatSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { BatonError } from '../errors/baton-error.ts'

export interface EntryHeader {
  path: string
  /** node-tar's entry type name: File, Directory, SymbolicLink, Link, CharacterDevice, … */
  type: string
  linkpath?: string | undefined
}

const PLAIN_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory'])
const MAX_SYMLINK_HOPS = 40

export function unsafe(entry: string, why: string): BatonError {
  return new BatonError('BATON_ARTIFACT_UNSAFE', `archive entry "${entry}" ${why}`, {
    hint: 'rebuild the archive from one folder with relative paths and links that stay inside it',
  })
}

function isAbsoluteAnywhere(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p)
}

function hasDotDot(p: string): boolean {
  return p.split(/[/\\]/).includes('..')
}

/** Throws BATON_ARTIFACT_UNSAFE when one archive header could write or point outside the root. */
export function checkEntryHeader(h: EntryHeader): void {
  if (h.path === '') throw unsafe(h.path, 'has an empty path')
  if (isAbsoluteAnywhere(h.path)) throw unsafe(h.path, 'has an absolute path')
  if (hasDotDot(h.path)) throw unsafe(h.path, 'has a ".." path component')
  if (PLAIN_TYPES.has(h.type)) return
  const target = h.linkpath ?? ''
  if (h.type === 'SymbolicLink') {
    if (isAbsoluteAnywhere(target)) throw unsafe(h.path, `is a symlink to the absolute path "${target}"`)
    // A symlink's target is relative to the link's own directory.
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(h.path), target))
    if (resolved === '..' || resolved.startsWith('../')) {
      throw unsafe(h.path, `is a symlink to "${target}", outside the artifact`)
    }
    return
  }
  if (h.type === 'Link') {
    // A hard link's target is relative to the archive root.
    if (isAbsoluteAnywhere(target) || hasDotDot(target) || target === '') {
      throw unsafe(h.path, `is a hard link to "${target}", outside the artifact`)
    }
    return
  }
  throw unsafe(h.path, `is a ${h.type} entry; only files, directories and links are allowed`)
}

/**
 * True when following the symlink at `rel` (a path inside `root` whose parent directories
 * are real directories) ends outside `root`. Missing components resolve lexically, so a
 * dangling link is judged by where it would point.
 */
export function symlinkEscapes(root: string, rel: string): boolean {
  const parts = rel.split('/').slice(0, -1)
  let todo = readlinkSync(path.join(root, rel)).split('/')
  if (isAbsoluteAnywhere(todo.join('/'))) return true
  let hops = 0
  while (todo.length > 0) {
    const c = todo.shift() as string
    if (c === '' || c === '.') continue
    if (c === '..') {
      if (parts.length === 0) return true
      parts.pop()
      continue
    }
    parts.push(c)
    const abs = path.join(root, ...parts)
    let isLink = false
    try {
      isLink = lstatSync(abs).isSymbolicLink()
    } catch {
      continue
    }
    if (!isLink) continue
    // A link loop never resolves; refuse it rather than ship a tree that hangs a reader.
    if (++hops > MAX_SYMLINK_HOPS) return true
    const target = readlinkSync(abs)
    if (isAbsoluteAnywhere(target)) return true
    parts.pop()
    todo = [...target.split('/'), ...todo]
  }
  return false
}

/** One walked entry of a tree, with its path relative to the root in POSIX form. */
export interface TreeEntry {
  rel: string
  kind: 'file' | 'dir' | 'symlink'
}

/**
 * Walks `root` without following symlinks, refuses special files and escaping symlinks,
 * and returns every entry sorted by path (the canonical order).
 */
export async function assertTreeSafe(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = []
  const walk = async (relDir: string): Promise<void> => {
    const names = await readdir(path.join(root, relDir))
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`
      const st = await lstat(path.join(root, rel))
      if (st.isDirectory()) {
        out.push({ rel, kind: 'dir' })
        await walk(rel)
      } else if (st.isFile()) {
        out.push({ rel, kind: 'file' })
      } else if (st.isSymbolicLink()) {
        if (symlinkEscapes(root, rel)) {
          throw unsafe(rel, `is a symlink to "${await readlink(path.join(root, rel))}", outside the artifact`)
        }
        out.push({ rel, kind: 'symlink' })
      } else {
        throw unsafe(rel, 'is a device, FIFO or socket; only files, directories and links are allowed')
      }
    }
  }
  await walk('')
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
}
