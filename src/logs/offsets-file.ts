/**
 * @module
 * How far the log collector has turned a container's raw files into log records, kept
 * beside them (`<podDir>/logs/<container>.offsets`, log-files.ts) so that a daemon started
 * after a SIGKILL continues exactly where the killed one stopped:
 *
 *     "                1234                   56\n"     stdout offset, stderr offset
 *
 * Two fixed-width fields rewritten in place by one positioned write: a SIGKILL cannot
 * leave the file empty or half old, half new (no truncate, no rename), and a collection
 * that made progress costs one syscall. Not in the pod's state.json: that file is rewritten
 * whole (JSON, temp file, rename) and would then be rewritten several times a second per
 * chatty container.
 */
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs'
import type { LogStream } from './cri-format.ts'

export type StreamOffsets = Record<LogStream, number>

const WIDTH = 20

/** The saved offsets; zeros when the file is missing or unreadable (read from the start). */
export function readOffsets(file: string): StreamOffsets {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { stdout: 0, stderr: 0 }
  }
  const [stdout, stderr] = text.trim().split(/\s+/).map(Number)
  const valid = (n: number | undefined) => (n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : 0)
  return { stdout: valid(stdout), stderr: valid(stderr) }
}

/** An open offsets file; `write` replaces its content in place. */
export class OffsetsFile {
  readonly #fd: number

  constructor(file: string) {
    this.#fd = openSync(file, constants.O_WRONLY | constants.O_CREAT)
  }

  write(offsets: StreamOffsets): void {
    const text = `${String(offsets.stdout).padStart(WIDTH)} ${String(offsets.stderr).padStart(WIDTH)}\n`
    writeSync(this.#fd, text, 0)
  }

  close(): void {
    closeSync(this.#fd)
  }
}
