/**
 * @module
 * Writes a configMap or secret volume's files so that a running app never reads a half-written
 * set, as the kubelet's AtomicWriter does: the files go into a new directory named after the
 * time, a `..data` symlink is switched to it with one rename (atomic), and each top-level
 * entry the app sees is a symlink through `..data`:
 *
 *   <dir>/..2026_12_04_09_30_00.Ab12Cd/app.yaml   the files of this version
 *   <dir>/..data -> ..2026_12_04_09_30_00.Ab12Cd  switched by rename(..data_tmp, ..data)
 *   <dir>/app.yaml -> ..data/app.yaml             what the app opens
 *
 * An app that opens `app.yaml` gets the old version or the new one, whole; the old directory is
 * removed after the switch (an app holding a file open keeps reading it). A subPath mount binds
 * one resolved file at the container's start and so keeps that version, as in Kubernetes.
 * Writing the same files again changes nothing on disk.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { VolumeFile } from './volume-files.ts'

const DATA = '..data'
const DATA_TMP = '..data_tmp'
const DIR_MODE = 0o755

/** The kubelet's name prefix for a version's directory: `..2006_01_02_15_04_05.` in UTC. */
export function versionPrefix(now: number): string {
  const t = new Date(now).toISOString() // 2026-12-04T09:30:00.123Z
  return `..${t.slice(0, 10).replace(/-/g, '_')}_${t.slice(11, 19).replace(/:/g, '_')}.`
}

/**
 * Makes `dir` hold exactly `files` (paths relative to it, normalised, inside it). Returns
 * false when it already did, true when it switched to a new version.
 */
export function writeVolumeAtomically(dir: string, files: readonly VolumeFile[], now: number): boolean {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  const current = currentVersion(dir)
  if (current && sameFiles(join(dir, current), files)) return false
  const version = mkdtempSync(join(dir, versionPrefix(now)))
  chmodSync(version, DIR_MODE)
  for (const f of files) {
    const path = join(version, f.path)
    mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE })
    writeFileSync(path, f.content, { mode: f.mode })
    chmodSync(path, f.mode)
  }
  rmSync(join(dir, DATA_TMP), { force: true })
  symlinkSync(basename(version), join(dir, DATA_TMP))
  renameSync(join(dir, DATA_TMP), join(dir, DATA))
  const visible = new Set(files.map((f) => f.path.split('/')[0]!))
  for (const name of visible) {
    if (!isSymlink(join(dir, name))) {
      rmSync(join(dir, name), { recursive: true, force: true })
      symlinkSync(join(DATA, name), join(dir, name))
    }
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..')) {
      // Versions before this one, including one a crash left half-written.
      if (name !== DATA && name !== basename(version)) rmSync(join(dir, name), { recursive: true, force: true })
    } else if (!visible.has(name)) rmSync(join(dir, name), { recursive: true, force: true })
  }
  return true
}

/** The version directory `..data` names, if it is there. */
function currentVersion(dir: string): string | undefined {
  try {
    const target = readlinkSync(join(dir, DATA))
    return statSync(join(dir, target)).isDirectory() ? target : undefined
  } catch {
    return undefined
  }
}

/** Whether `version` holds exactly `files`, with their contents and modes. */
function sameFiles(version: string, files: readonly VolumeFile[]): boolean {
  if (filesUnder(version).length !== files.length) return false
  return files.every((f) => {
    try {
      const path = join(version, f.path)
      return (statSync(path).mode & 0o7777) === f.mode && readFileSync(path).equals(f.content)
    } catch {
      return false
    }
  })
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  )
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}
