/**
 * @module
 * ContainerLogWriter turns a container's raw stdout/stderr bytes into CRI log records
 * (cri-format.ts) in size-capped, rotated files (log-files.ts). The node's log collector
 * (log-collector.ts) feeds it; it is the only writer of a container's log files, so
 * rotation needs no locking.
 *
 * Rotation, with maxBytes 10 MiB and maxFiles 3: when the next record would take `app.log`
 * past 10 MiB, `app.log.1` becomes `app.log.2` (the old `.log.2` is dropped), `app.log`
 * becomes `app.log.1` and a new `app.log` is started: at most 3 files, about 30 MiB. A
 * record is never split across files.
 *
 * Writes are synchronous: a record is on disk (in the page cache) before the collector
 * records how far it has read, and with it `position()`, so a daemon SIGKILL between the two
 * leaves records past that position that the next collector cuts off and writes again.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { criPrefix, type LogStream, type LogTag } from './cri-format.ts'
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_MAX_FILES } from './log-files.ts'

/** A line longer than this is stored as P fragments of this size (the kubelet uses 16 KiB). */
export const MAX_LINE_BYTES = 16 * 1024

export interface ContainerLogWriterOptions {
  /** The pod's logs directory (log-files.ts logsDir). */
  dir: string
  container: string
  maxBytes?: number
  maxFiles?: number
  /** Epoch milliseconds, fractions allowed. */
  now: () => number
}

const NEWLINE = 0x0a

export class ContainerLogWriter {
  readonly #file: string
  readonly #maxBytes: number
  readonly #maxFiles: number
  readonly #now: () => number
  readonly #pending: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }
  #fd: number
  #size: number
  #ino: number

  constructor(opts: ContainerLogWriterOptions) {
    mkdirSync(opts.dir, { recursive: true })
    this.#file = path.join(opts.dir, `${opts.container}.log`)
    this.#maxBytes = opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES
    this.#maxFiles = Math.max(1, opts.maxFiles ?? DEFAULT_LOG_MAX_FILES)
    this.#now = opts.now
    this.#fd = openSync(this.#file, 'a')
    const st = fstatSync(this.#fd)
    this.#size = st.size
    this.#ino = st.ino
  }

  /** The current log file's size and inode (a rotation starts a new inode). */
  position(): { size: number; ino: number } {
    return { size: this.#size, ino: this.#ino }
  }

  /** Stores every complete line of `chunk`; an unfinished tail waits for the next chunk. */
  write(stream: LogStream, chunk: Buffer | string): void {
    let buf = Buffer.concat([this.#pending[stream], typeof chunk === 'string' ? Buffer.from(chunk) : chunk])
    const records: Buffer[] = []
    let nl: number
    while ((nl = buf.indexOf(NEWLINE)) >= 0) {
      this.#pushLine(records, stream, buf.subarray(0, nl))
      buf = buf.subarray(nl + 1)
    }
    while (buf.length >= MAX_LINE_BYTES) {
      records.push(this.#record(stream, 'P', buf.subarray(0, MAX_LINE_BYTES)))
      buf = buf.subarray(MAX_LINE_BYTES)
    }
    this.#pending[stream] = Buffer.from(buf)
    this.#append(records)
  }

  /** Stores an unfinished line as a P fragment (a prompt or progress bar should not wait forever). */
  flushPartial(stream: LogStream): void {
    const rest = this.#pending[stream]
    if (rest.length === 0) return
    this.#pending[stream] = Buffer.alloc(0)
    this.#append([this.#record(stream, 'P', rest)])
  }

  /** The stream ended: its unfinished last line becomes a full line. */
  end(stream: LogStream): void {
    const rest = this.#pending[stream]
    this.#pending[stream] = Buffer.alloc(0)
    if (rest.length > 0) this.#append([this.#record(stream, 'F', rest)])
  }

  /** Bytes of `stream` held back as an unfinished line (not yet in the file). */
  pendingBytes(stream: LogStream): number {
    return this.#pending[stream].length
  }

  /**
   * Closes the file. `endLines` (default) stores unfinished lines as full ones first; without
   * it they are dropped, for a caller that will read those bytes again (log-collector.ts).
   */
  close(opts: { endLines?: boolean } = {}): void {
    if (opts.endLines !== false) {
      this.end('stdout')
      this.end('stderr')
    }
    closeSync(this.#fd)
  }

  #pushLine(records: Buffer[], stream: LogStream, line: Buffer): void {
    let start = 0
    for (; line.length - start > MAX_LINE_BYTES; start += MAX_LINE_BYTES) {
      records.push(this.#record(stream, 'P', line.subarray(start, start + MAX_LINE_BYTES)))
    }
    records.push(this.#record(stream, 'F', line.subarray(start)))
  }

  #record(stream: LogStream, tag: LogTag, message: Buffer): Buffer {
    return Buffer.concat([Buffer.from(criPrefix(this.#now(), stream, tag)), message, Buffer.from('\n')])
  }

  #append(records: Buffer[]): void {
    let batch: Buffer[] = []
    let batchBytes = 0
    const flush = () => {
      if (batchBytes === 0) return
      writeSync(this.#fd, Buffer.concat(batch))
      this.#size += batchBytes
      batch = []
      batchBytes = 0
    }
    for (const r of records) {
      if (this.#size + batchBytes > 0 && this.#size + batchBytes + r.length > this.#maxBytes) {
        flush()
        this.#rotate()
      }
      batch.push(r)
      batchBytes += r.length
    }
    flush()
  }

  #rotate(): void {
    closeSync(this.#fd)
    if (this.#maxFiles === 1) rmSync(this.#file, { force: true })
    for (let n = this.#maxFiles - 1; n >= 1; n--) {
      const from = n === 1 ? this.#file : `${this.#file}.${n - 1}`
      try {
        renameSync(from, `${this.#file}.${n}`)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      }
    }
    this.#fd = openSync(this.#file, 'a')
    this.#size = 0
    this.#ino = fstatSync(this.#fd).ino
  }
}
