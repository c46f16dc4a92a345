/**
 * @module
 * Giving back the disk space of raw output the collector has already stored, while the app
 * keeps appending to the same file through its own O_APPEND descriptor (which nobody else
 * can reopen or redirect: it belongs to the app and its children).
 *
 * `punch` (the default): `fallocate --punch-hole` frees the blocks of the bytes already
 * collected, `[0, offset)`. The file keeps its length, so the app's next append lands where
 * it would have and every offset the collector holds or has saved stays valid: nothing can
 * be lost, whenever the app writes. Only the apparent size (`ls -l`) keeps growing; the
 * space used (`du`) stays under about one reclaim threshold. Node has no fallocate binding,
 * so util-linux's `fallocate` does it on the open descriptor (`/dev/fd/3`, never the path,
 * which by then may name a newer instance's file): one short process per threshold's worth
 * of output (every 4 MiB), not one per container.
 *
 * `truncate` (when punching fails: no `fallocate` binary, or a filesystem without holes):
 * once the collector has read to the end, it checks the size once more and truncates to
 * zero only if nothing arrived since; the app's O_APPEND then continues at the new end.
 * Bytes written in the few microseconds between that check and the truncate are lost: an
 * app writing a line every millisecond loses about one line per few hundred truncations
 * (one per GiB or so of output at 4 MiB each). The collector falls back to it for the
 * whole node on the first failed punch.
 */
import { spawn } from 'node:child_process'

export type ReclaimMode = 'punch' | 'truncate'

export class RawSpaceReclaimer {
  #mode: ReclaimMode
  readonly #onFallback: (reason: string) => void

  constructor(mode: ReclaimMode = 'punch', onFallback: (reason: string) => void = () => {}) {
    this.#mode = mode
    this.#onFallback = onFallback
  }

  get mode(): ReclaimMode {
    return this.#mode
  }

  /**
   * Frees the first `length` bytes of the open file `fd`; resolves true once done. A failure
   * switches this reclaimer to `truncate` for good (resolves false).
   */
  punch(fd: number, length: number): Promise<boolean> {
    const args = ['--punch-hole', '--offset', '0', '--length', String(length), '/dev/fd/3']
    return new Promise((resolve) => {
      let stderr = ''
      const fail = (reason: string) => {
        if (this.#mode === 'punch') {
          this.#mode = 'truncate'
          this.#onFallback(reason)
        }
        resolve(false)
      }
      // The descriptor is duplicated into the child synchronously here, so the caller may
      // close its own copy at once.
      const child = spawn('fallocate', args, { stdio: ['ignore', 'ignore', 'pipe', fd] })
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
      child.once('error', (err) => fail(err.message))
      child.once('close', (code) =>
        code === 0 ? resolve(true) : fail(stderr.trim() || `fallocate exited with ${code}`),
      )
    })
  }
}
