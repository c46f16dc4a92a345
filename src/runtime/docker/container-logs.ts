/**
 * @module
 * `baton logs` for a container of the Docker runtime: the engine's log API (json-file driver)
 * of the pod's newest instance of that container, found by its labels, or with `--previous`
 * the exited instance before it (kept until the next one exits, as the kubelet keeps it).
 * Follow, tail and timestamps (RFC 3339 with nanoseconds, as the kubelet prints them) are the
 * engine's own.
 */
import { BatonError } from '../../errors/baton-error.ts'
import { LABELS } from './container-config.ts'
import type { Engine } from './engine.ts'

export interface ContainerLogOptions {
  follow?: boolean
  previous?: boolean
  tail?: number
  timestamps?: boolean
  signal?: AbortSignal
}

/**
 * Splits the engine's multiplexed stream (8-byte frame headers: stream, 0, 0, 0, size
 * big-endian) into payloads; returns them and the bytes of an unfinished frame.
 */
export function demuxFrames(buf: Buffer): { payloads: Buffer[]; rest: Buffer } {
  const payloads: Buffer[] = []
  let at = 0
  while (buf.length - at >= 8) {
    const size = buf.readUInt32BE(at + 4)
    if (buf.length - at - 8 < size) break
    payloads.push(buf.subarray(at + 8, at + 8 + size))
    at += 8 + size
  }
  return { payloads, rest: buf.subarray(at) }
}

export async function* containerLogs(
  engine: Engine,
  where: { owner: string; uid: string; pod: string; container: string },
  opts: ContainerLogOptions,
): AsyncGenerator<string> {
  const found = await engine.listContainers({
    all: true,
    filters: {
      label: [`${LABELS.owner}=${where.owner}`, `${LABELS.uid}=${where.uid}`, `${LABELS.container}=${where.container}`],
    },
  })
  const [newest, before] = found.sort(
    (a, b) => Number(b.Labels[LABELS.restartCount]) - Number(a.Labels[LABELS.restartCount]),
  )
  // The previous instance is the last one that terminated: the newest itself while it waits to
  // be restarted (CrashLoopBackOff), else the one before it.
  const previous = newest && newest.State !== 'running' && newest.State !== 'created' ? newest : before
  if (opts.previous && !previous) {
    throw new BatonError(
      'BATON_NOT_FOUND',
      `previous terminated container "${where.container}" in pod "${where.pod}" not found`,
      {
        hint: 'The container has not restarted since its pod started; `baton logs` without --previous shows the current one',
      },
    )
  }
  if (!newest) {
    throw new BatonError(
      'BATON_NOT_FOUND',
      `container "${where.container}" in pod "${where.pod}" has no running instance`,
      {
        hint: `See why with \`baton describe pod/${where.pod}\``,
      },
    )
  }
  const base = {
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps === true,
    ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
  }
  const container = engine.getContainer((opts.previous ? previous : newest)?.Id ?? newest.Id)
  const chunks: AsyncIterable<Buffer> | Buffer[] = opts.follow
    ? ((await container.logs({
        ...base,
        follow: true,
        ...(opts.signal ? { abortSignal: opts.signal } : {}),
      })) as unknown as AsyncIterable<Buffer>)
    : [(await container.logs({ ...base, follow: false })) as unknown as Buffer]
  let pending: Buffer = Buffer.alloc(0)
  let line = ''
  try {
    for await (const chunk of chunks) {
      const { payloads, rest } = demuxFrames(Buffer.concat([pending, chunk]))
      pending = rest
      for (const p of payloads) {
        const parts = (line + p.toString('utf8')).split('\n')
        line = parts.pop() ?? ''
        yield* parts
      }
    }
  } catch (err) {
    if (!opts.signal?.aborted) throw err
  }
  if (line !== '') yield line
}
