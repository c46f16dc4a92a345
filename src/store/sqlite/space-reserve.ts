/**
 * @module
 * Headroom for a full disk: a file of zeros beside the state file (`state.db.reserve`),
 * written while there is room. When a commit fails for lack of space the store deletes it,
 * which hands its blocks back to the file system, and commits again: what memory already
 * holds (and the API may be about to acknowledge) reaches the file, and the store then
 * refuses new writes until the disk has room for the reserve and as much again.
 *
 * The zeros are written, not allocated sparsely: a sparse file holds no blocks to give back.
 */
import { closeSync, openSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

/** Default size: a batch of status writes to a few hundred objects, with its WAL frames. */
export const DEFAULT_RESERVE_BYTES = 2 * 1024 * 1024

export class SpaceReserve {
  readonly path: string
  readonly bytes: number

  constructor(path: string, bytes: number) {
    this.path = path
    this.bytes = bytes
  }

  /** Creates the reserve unless it is there; false when the disk has no room for it. */
  ensure(): boolean {
    if (this.bytes <= 0) return true
    if ((statSync(this.path, { throwIfNoEntry: false })?.size ?? -1) === this.bytes) return true
    let fd: number | undefined
    try {
      fd = openSync(this.path, 'w', 0o600)
      const chunk = Buffer.alloc(Math.min(this.bytes, 256 * 1024))
      for (let done = 0; done < this.bytes; ) done += writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - done))
      return true
    } catch (err) {
      if (!isNoSpace(err)) throw err
      if (fd !== undefined) closeSync(fd)
      fd = undefined
      rmSync(this.path, { force: true })
      return false
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
  }

  /** Deletes the reserve; true when there was one to give back. */
  release(): boolean {
    const had = statSync(this.path, { throwIfNoEntry: false }) !== undefined
    rmSync(this.path, { force: true })
    return had && this.bytes > 0
  }

  /** Whether the disk has room for the reserve and as much again: enough to leave the no-space mode. */
  roomToResume(): boolean {
    const st = statfsSync(dirname(this.path))
    return st.bavail * st.bsize >= 2 * this.bytes + (this.exists() ? -this.bytes : 0)
  }

  exists(): boolean {
    return statSync(this.path, { throwIfNoEntry: false }) !== undefined
  }
}

export function isNoSpace(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC'
}
