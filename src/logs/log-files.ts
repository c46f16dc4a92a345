/**
 * @module
 * Where a container's logs live and how the files of one instance are named:
 *
 *     <podDir>/logs/<container>.log            current file of the running instance (CRI records)
 *     <podDir>/logs/<container>.log.1 … .log.N older files of it (rotated by size)
 *     <podDir>/logs/<container>.previous.log*  the same chain for the previous instance
 *     <podDir>/logs/<container>.stdout.raw     what the app writes, as written (its fd 1, O_APPEND)
 *     <podDir>/logs/<container>.stderr.raw     the same for fd 2
 *     <podDir>/logs/<container>.offsets        how far the collector has read each raw file
 *
 * `kubectl logs --previous` shows the instance before a restart; so, before a container
 * restarts, the collector calls `rotatePrevious` and the old chain becomes the previous one.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import type { LogStream } from './cri-format.ts'

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024
export const DEFAULT_LOG_MAX_FILES = 3

export function logsDir(podDir: string): string {
  return path.join(podDir, 'logs')
}

/** The file the app's `stream` goes to, untouched (log-collector.ts turns it into CRI records). */
export function rawLogFile(podDir: string, container: string, stream: LogStream): string {
  return path.join(logsDir(podDir), `${container}.${stream}.raw`)
}

export function offsetsFile(podDir: string, container: string): string {
  return path.join(logsDir(podDir), `${container}.offsets`)
}

/** Base name of a chain: "app" or "app.previous". */
export function chainBase(container: string, previous = false): string {
  return previous ? `${container}.previous` : container
}

/** Existing files of a chain, oldest first (.log.N … .log.1, .log). */
export function chainFiles(dir: string, base: string): string[] {
  if (!existsSync(dir)) return []
  const prefix = `${base}.log`
  const numbered: { n: number; name: string }[] = []
  let current: string | undefined
  for (const name of readdirSync(dir)) {
    if (name === prefix) current = name
    else if (name.startsWith(`${prefix}.`)) {
      const n = Number(name.slice(prefix.length + 1))
      if (Number.isInteger(n) && n > 0) numbered.push({ n, name })
    }
  }
  const files = numbered.sort((a, b) => b.n - a.n).map((f) => path.join(dir, f.name))
  return current ? [...files, path.join(dir, current)] : files
}

/**
 * Makes the current chain the previous one (dropping the old previous). Call it after the
 * old instance's output has been collected and before the new instance starts.
 */
export function rotatePrevious(podDir: string, container: string): void {
  const dir = logsDir(podDir)
  mkdirSync(dir, { recursive: true })
  for (const f of chainFiles(dir, chainBase(container, true))) unlinkSync(f)
  const from = `${chainBase(container)}.log`
  const to = `${chainBase(container, true)}.log`
  for (const f of chainFiles(dir, chainBase(container))) {
    renameSync(f, path.join(dir, to + path.basename(f).slice(from.length)))
  }
}
