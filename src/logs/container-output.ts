/**
 * @module
 * One container instance's output on its way into its log. The app's stdout and stderr are
 * files the app appends to (`<c>.stdout.raw`, `<c>.stderr.raw`, opened O_APPEND by the agent
 * and inherited, never pipes); `collect()` reads what was added since the last call, from
 * the offset it reached, and a ContainerLogWriter stores it as timestamped CRI records in
 * `<c>.log` (rotated by size). The node's LogCollector calls it every period.
 *
 * Offsets: `offset` is how far a raw file has been read; the part of it that is an
 * unfinished line is held in memory by the writer, so what is saved (offsets-file.ts) is
 * `offset - pending`, the end of what is in the log. A new agent starts from there, reads the
 * unfinished line again, and loses nothing of what the app wrote while no agent ran. The
 * offsets are saved after the records are written, together with the log's size then; a
 * SIGKILL between the two leaves records past that size, which the new agent cuts off
 * before it reads their bytes again, so each line is stored once (offsets-file.ts).
 *
 * Times: a record carries the time it was collected, up to one collection period after the
 * app wrote it, and for lines written while no agent ran, the time the next agent read them.
 * Within one collection stdout's new lines are stored before stderr's; across collections,
 * in the order written.
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs'
import path from 'node:path'
import { ContainerLogWriter } from './container-log-writer.ts'
import type { LogStream } from './cri-format.ts'
import { logsDir, offsetsFile, rawLogFile } from './log-files.ts'
import { OffsetsFile, readOffsets, type SavedOffsets } from './offsets-file.ts'
import type { RawSpaceReclaimer } from './raw-space.ts'

/** An unfinished line is stored as a P fragment after this long without more output on its stream. */
export const PARTIAL_FLUSH_MS = 1000
/** Raw bytes already collected that are given back to the disk at a time (raw-space.ts). */
export const DEFAULT_RECLAIM_BYTES = 4 * 1024 * 1024
/** At most this much of one stream per collection: a flood waits for the next period instead of stalling the agent. */
const READ_BUDGET = 4 * 1024 * 1024
const STREAMS: readonly LogStream[] = ['stdout', 'stderr']
const chunk = Buffer.alloc(256 * 1024)

export interface ContainerOutputOptions {
  podDir: string
  container: string
  /** Epoch ms, the time stamped on records. */
  now: () => number
  reclaimer: RawSpaceReclaimer
  reclaimBytes?: number
  maxBytes?: number
  maxFiles?: number
}

/** The app's end of a new instance's output: pass as stdio[1] and stdio[2], then `release()`. */
export interface ChildOutput {
  stdout: number
  stderr: number
  /** Closes the agent's copies once the app is spawned (or failed to be). */
  release(): void
}

interface Tail {
  readonly stream: LogStream
  /** The raw file, read-write only so that `truncate` mode can truncate it. */
  readonly fd: number
  offset: number
  lastDataAt: number
  /** Punch mode: the file is a hole below this. */
  reclaimedTo: number
  punching: boolean
}

export class ContainerOutput {
  readonly podDir: string
  readonly container: string
  readonly #opts: ContainerOutputOptions
  readonly #writer: ContainerLogWriter
  readonly #offsets: OffsetsFile
  readonly #tails: Tail[]
  #saved: SavedOffsets
  #closed = false

  /** Fresh raw files for a new instance, read from their start. */
  static create(opts: ContainerOutputOptions): { output: ContainerOutput; child: ChildOutput } {
    mkdirSync(logsDir(opts.podDir), { recursive: true })
    const fds = STREAMS.map((stream) => {
      const file = rawLogFile(opts.podDir, opts.container, stream)
      // A new inode, not a truncation: a punch still running on the old instance's file
      // (raw-space.ts) cannot touch this one.
      rmSync(file, { force: true })
      return openSync(file, 'a')
    })
    const output = new ContainerOutput(opts, { stdout: 0, stderr: 0 })
    const [stdout = -1, stderr = -1] = fds
    return {
      output,
      child: {
        stdout,
        stderr,
        release: () => {
          for (const fd of fds) closeSync(fd)
        },
      },
    }
  }

  /** The raw files of an instance an earlier agent started, read from the saved offsets; undefined if there are none. */
  static resume(opts: ContainerOutputOptions): ContainerOutput | undefined {
    const saved = readOffsets(offsetsFile(opts.podDir, opts.container))
    try {
      return new ContainerOutput(opts, saved)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  constructor(opts: ContainerOutputOptions, from: SavedOffsets) {
    this.podDir = opts.podDir
    this.container = opts.container
    this.#opts = opts
    const fds: number[] = []
    try {
      for (const s of STREAMS) fds.push(openSync(rawLogFile(opts.podDir, opts.container, s), 'r+'))
      this.#offsets = new OffsetsFile(offsetsFile(opts.podDir, opts.container))
    } catch (err) {
      for (const fd of fds) closeSync(fd)
      throw err
    }
    const now = opts.now()
    this.#tails = STREAMS.map((stream, i) => {
      const fd = fds[i] ?? -1
      // Past the end: the file was truncated (truncate mode) after the offset was saved.
      const offset = from[stream] <= fstatSync(fd).size ? from[stream] : 0
      return { stream, fd, offset, lastDataAt: now, reclaimedTo: 0, punching: false }
    })
    this.#saved = { stdout: -1, stderr: -1 }
    if (from.log) cutUnsavedRecords(path.join(logsDir(opts.podDir), `${opts.container}.log`), from.log)
    this.#writer = new ContainerLogWriter({
      dir: logsDir(opts.podDir),
      container: opts.container,
      now: opts.now,
      maxBytes: opts.maxBytes,
      maxFiles: opts.maxFiles,
    })
    this.#save()
  }

  /** Stores what the app wrote since the last call. */
  collect(): void {
    if (this.#closed) return
    const now = this.#opts.now()
    for (const t of this.#tails) {
      if (this.#read(t, READ_BUDGET) > 0) t.lastDataAt = now
      else if (this.#writer.pendingBytes(t.stream) > 0 && now - t.lastDataAt >= PARTIAL_FLUSH_MS) {
        this.#writer.flushPartial(t.stream)
      }
    }
    this.#save()
    for (const t of this.#tails) this.#reclaim(t)
  }

  /** The instance has exited: stores the rest, its unfinished last lines as full lines, and closes. */
  finish(): void {
    this.#close(true)
  }

  /** The agent lets go while the instance may still run: stores what is there, keeps unfinished lines for the next agent. */
  detach(): void {
    this.#close(false)
  }

  get closed(): boolean {
    return this.#closed
  }

  #close(endLines: boolean): void {
    if (this.#closed) return
    // An exited app writes no more: read to the end. A live one may write forever: one
    // budget's worth, the next agent reads the rest.
    for (const t of this.#tails) this.#read(t, endLines ? Number.POSITIVE_INFINITY : READ_BUDGET)
    this.#writer.close({ endLines })
    this.#save()
    this.#closed = true
    this.#offsets.close()
    for (const t of this.#tails) closeSync(t.fd)
  }

  /** Reads up to `budget` new bytes into the writer; returns how many. */
  #read(t: Tail, budget: number): number {
    let total = 0
    while (total < budget) {
      const want = Math.min(chunk.length, budget - total)
      const n = readSync(t.fd, chunk, 0, want, t.offset)
      t.offset += n
      total += n
      if (n > 0) this.#writer.write(t.stream, chunk.subarray(0, n))
      // A short read reached the end of what was written: no second read to learn that again.
      if (n < want) break
    }
    return total
  }

  #committed(t: Tail): number {
    return t.offset - this.#writer.pendingBytes(t.stream)
  }

  #save(): void {
    const [out, err] = this.#tails
    const now: SavedOffsets = {
      stdout: out ? this.#committed(out) : 0,
      stderr: err ? this.#committed(err) : 0,
      log: this.#writer.position(),
    }
    const was = this.#saved
    if (now.stdout === was.stdout && now.stderr === was.stderr && now.log?.size === was.log?.size) return
    this.#offsets.write(now)
    this.#saved = now
  }

  #reclaim(t: Tail): void {
    const threshold = this.#opts.reclaimBytes ?? DEFAULT_RECLAIM_BYTES
    const reclaimer = this.#opts.reclaimer
    const committed = this.#committed(t)
    if (reclaimer.mode === 'punch') {
      if (t.punching || committed - t.reclaimedTo < threshold) return
      t.punching = true
      void reclaimer.punch(t.fd, committed).then((ok) => {
        t.punching = false
        if (ok) t.reclaimedTo = committed
      })
      return
    }
    // Truncate only at a quiet moment: all read, no unfinished line, and no byte added since.
    if (committed < threshold || committed !== t.offset || fstatSync(t.fd).size !== t.offset) return
    ftruncateSync(t.fd, 0)
    t.offset = 0
    t.reclaimedTo = 0
    this.#save()
  }
}

/**
 * Records a killed collector wrote after its last save: their raw bytes lie past the saved
 * offsets and are read again, so they are cut off here. Only in the same file (a rotation
 * since the save starts a new inode) and only when it grew (a smaller file was rotated).
 */
function cutUnsavedRecords(file: string, at: { size: number; ino: number }): void {
  const st = statSync(file, { throwIfNoEntry: false })
  if (st && st.ino === at.ino && st.size > at.size) truncateSync(file, at.size)
}
