/**
 * @module
 * How far the log collector has turned a container's raw files into log records, kept
 * beside them (`<podDir>/logs/<container>.offsets`, log-files.ts) so that a daemon started
 * after a SIGKILL continues exactly where the killed one stopped:
 *
 *     "                1234                   56                 8192              1048577\n"
 *      stdout offset         stderr offset         log size             log inode
 *
 * The log's size and inode are those of `<container>.log` when the offsets were saved: a
 * collector killed after it wrote records but before it saved how far it had read left
 * records past that size, and a new one cuts them off before it reads those bytes again
 * (container-output.ts), so no line is stored twice. A different inode means the log was
 * rotated since; then nothing is cut and that one batch may repeat.
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

/** Where the log file stood when the offsets were saved; absent in files written before it was kept. */
export interface LogPosition {
  size: number
  ino: number
}

export interface SavedOffsets extends StreamOffsets {
  log?: LogPosition
}

const WIDTH = 20

/** The saved offsets; zeros when the file is missing or unreadable (read from the start). */
export function readOffsets(file: string): SavedOffsets {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { stdout: 0, stderr: 0 }
  }
  const [stdout, stderr, size, ino] = text.trim().split(/\s+/).map(Number)
  const valid = (n: number | undefined): n is number => n !== undefined && Number.isSafeInteger(n) && n >= 0
  const saved: SavedOffsets = { stdout: valid(stdout) ? stdout : 0, stderr: valid(stderr) ? stderr : 0 }
  if (valid(size) && valid(ino)) saved.log = { size, ino }
  return saved
}

/** An open offsets file; `write` replaces its content in place. */
export class OffsetsFile {
  readonly #fd: number

  constructor(file: string) {
    this.#fd = openSync(file, constants.O_WRONLY | constants.O_CREAT)
  }

  write(offsets: SavedOffsets): void {
    const fields = [offsets.stdout, offsets.stderr, offsets.log?.size ?? '', offsets.log?.ino ?? '']
    const text = `${fields.map((f) => String(f).padStart(WIDTH)).join(' ')}\n`
    writeSync(this.#fd, text, 0)
  }

  close(): void {
    closeSync(this.#fd)
  }
}
