/**
 * @module
 * Reading a container's logs back as `kubectl logs` prints them: one line per logical line
 * (P fragments joined), optionally prefixed with the RFC 3339 time it was written
 * (`--timestamps`), the last N lines only (`--tail`), the previous instance
 * (`--previous`), and following new lines, across rotations, until the signal aborts
 * (`--follow`).
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { systemClock, type Clock } from '../platform/clock.ts'
import { parseCriLine, type LogStream } from './cri-format.ts'
import { chainBase, chainFiles, logsDir } from './log-files.ts'

export const FOLLOW_POLL_MS = 100

export interface ReadLogsOptions {
  tail?: number
  timestamps?: boolean
  previous?: boolean
  follow?: boolean
  signal?: AbortSignal
  clock?: Clock
}

/** Joins P fragments per stream; each finished line comes out with its first fragment's time. */
class LineJoiner {
  readonly #pending: Partial<Record<LogStream, { time: string; text: string }>> = {}

  /** Feeds stored lines (without newlines); returns the logical lines they finish. */
  feed(stored: readonly string[]): { time: string; text: string }[] {
    const out: { time: string; text: string }[] = []
    for (const line of stored) {
      const r = parseCriLine(line)
      if (!r) continue
      const p = this.#pending[r.stream]
      const joined = p ? { time: p.time, text: p.text + r.message } : { time: r.time, text: r.message }
      if (r.tag === 'P') this.#pending[r.stream] = joined
      else {
        delete this.#pending[r.stream]
        out.push(joined)
      }
    }
    return out
  }
}

function splitStored(text: string): string[] {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

function readRest(fd: number, from: number): Buffer {
  const size = fstatSync(fd).size
  if (size <= from) return Buffer.alloc(0)
  const buf = Buffer.alloc(size - from)
  const n = readSync(fd, buf, 0, buf.length, from)
  return buf.subarray(0, n)
}

function tryOpen(file: string): number | undefined {
  try {
    return openSync(file, 'r')
  } catch {
    return undefined
  }
}

/**
 * @example
 * for await (const line of readLogs(podDir, 'web', { tail: 10, timestamps: true })) out.write(line + '\n')
 */
export async function* readLogs(podDir: string, container: string, opts: ReadLogsOptions = {}): AsyncGenerator<string> {
  const dir = logsDir(podDir)
  const base = chainBase(container, opts.previous)
  const currentFile = path.join(dir, `${base}.log`)
  const format = (l: { time: string; text: string }) => (opts.timestamps ? `${l.time} ${l.text}` : l.text)

  // Open the current file first: whatever it holds now is printed, and following continues
  // from exactly that offset, so no line is lost or doubled between the two phases.
  let fd = tryOpen(currentFile)
  let pos = 0
  let carry = ''
  const older = chainFiles(dir, base).filter((f) => f !== currentFile)
  const texts: string[] = []
  if (fd !== undefined) {
    const head = readRest(fd, 0)
    pos = head.length
    const text = head.toString('utf8')
    const cut = text.lastIndexOf('\n') + 1
    carry = text.slice(cut)
    texts.push(text.slice(0, cut))
  }
  // With --tail, read rotated files newest first and stop once there are enough lines.
  let lines: { time: string; text: string }[] = []
  for (let i = older.length; i >= 0; i--) {
    lines = new LineJoiner().feed(splitStored(texts.join('')))
    if (opts.tail !== undefined && lines.length > opts.tail) break
    const prev = older[i - 1]
    if (prev === undefined) break
    texts.unshift(await readFile(prev, 'utf8').catch(() => ''))
  }
  const joiner = new LineJoiner()
  lines = joiner.feed(splitStored(texts.join('')))
  const shown = opts.tail === undefined ? lines : opts.tail <= 0 ? [] : lines.slice(-opts.tail)
  for (const l of shown) yield format(l)

  if (!opts.follow || opts.previous) {
    if (fd !== undefined) closeSync(fd)
    return
  }
  const clock = opts.clock ?? systemClock
  try {
    while (!opts.signal?.aborted) {
      if (fd === undefined) {
        fd = tryOpen(currentFile)
        pos = 0
      }
      if (fd !== undefined) {
        const chunk = readRest(fd, pos)
        pos += chunk.length
        const text = carry + chunk.toString('utf8')
        const cut = text.lastIndexOf('\n') + 1
        carry = text.slice(cut)
        for (const l of joiner.feed(splitStored(text.slice(0, cut)))) yield format(l)
        if (chunk.length > 0) continue
        // Rotated: the writer closed the old file before renaming it, so one last read of
        // it finishes it. Files rotated after it (several rotations can pass between two
        // polls) come next, then the new current file.
        const ino = statSync(currentFile, { throwIfNoEntry: false })?.ino
        if (ino !== undefined && ino !== fstatSync(fd).ino) {
          const oldIno = fstatSync(fd).ino
          const rest = carry + readRest(fd, pos).toString('utf8')
          closeSync(fd)
          fd = tryOpen(currentFile)
          pos = 0
          carry = ''
          const newIno = fd === undefined ? undefined : fstatSync(fd).ino
          const rotated = chainFiles(dir, base).filter((f) => f !== currentFile)
          const inos = rotated.map((f) => statSync(f, { throwIfNoEntry: false })?.ino)
          const seen = inos.indexOf(oldIno)
          const between = rotated.filter((_, i) => i > seen && inos[i] !== newIno)
          const texts = [rest, ...(await Promise.all(between.map((f) => readFile(f, 'utf8').catch(() => ''))))]
          for (const l of joiner.feed(splitStored(texts.join('')))) yield format(l)
          continue
        }
      }
      await clock.sleep(FOLLOW_POLL_MS, opts.signal)
    }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
