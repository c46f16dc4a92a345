/**
 * @module
 * The parts of `baton logs` that read several streams or filter them, as kubectl's:
 * `-l SELECTOR` (every matching pod, 10 lines each unless --tail says otherwise),
 * `--all-containers` (every container of the pod spec; the API keeps no init-container logs),
 * `--prefix` (`[pod/NAME/CONTAINER] ` before each
 * line), and `--since=DURATION` (only lines written in that last span: the log is read with its
 * timestamps, which are cut off again unless --timestamps was asked). Without -f the streams are
 * printed one after the other; with -f they are followed at once, at most --max-log-requests.
 */
import type { Pod } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import type { CliContext } from '../command.ts'

export interface ManyLogsOptions {
  container?: string
  allContainers: boolean
  prefix: boolean
  sinceMs?: number
  tail?: number
  follow: boolean
  previous: boolean
  timestamps: boolean
  maxLogRequests: number
  namespace: string
}

interface Stream {
  pod: string
  container: string
}

function streamsOf(pods: readonly Pod[], o: ManyLogsOptions): Stream[] {
  return pods.flatMap((p) => {
    const names = o.allContainers
      ? p.spec.containers.map((c) => c.name)
      : [o.container ?? p.spec.containers[0]?.name ?? '']
    return names.map((container) => ({ pod: p.metadata.name, container }))
  })
}

/** Prints the logs of `pods` per the options; resolves when every stream ended (or -f was stopped). */
export async function printManyLogs(pods: readonly Pod[], o: ManyLogsOptions, ctx: CliContext): Promise<void> {
  const streams = streamsOf(pods, o)
  if (o.follow && streams.length > o.maxLogRequests) {
    throw new BatonError(
      'BATON_USAGE',
      `you are attempting to follow ${streams.length} log streams, but maximum allowed concurrency is ${o.maxLogRequests}, use --max-log-requests to increase the limit`,
      { hint: 'Narrow the selector, or raise --max-log-requests' },
    )
  }
  const cutoff = o.sinceMs === undefined ? undefined : ctx.clock.now() - o.sinceMs
  // With --since the server's tail would count lines before the cutoff: tail here instead (not when following).
  const tailHere = cutoff !== undefined && o.tail !== undefined && !o.follow
  const one = async (s: Stream): Promise<void> => {
    const lines = ctx.client().logs(
      o.namespace,
      s.pod,
      {
        container: s.container,
        follow: o.follow,
        previous: o.previous,
        timestamps: o.timestamps || cutoff !== undefined,
        ...(o.tail !== undefined && !tailHere ? { tailLines: o.tail } : {}),
      },
      ctx.signal,
    )
    const prefix = o.prefix ? `[pod/${s.pod}/${s.container}] ` : ''
    const kept: string[] = []
    const emit = (line: string) => (tailHere ? kept.push(line) : ctx.io.out.write(`${prefix + line}\n`))
    try {
      for await (const line of lines) {
        if (cutoff === undefined) {
          emit(line)
          continue
        }
        const space = line.indexOf(' ')
        const at = Date.parse(space < 0 ? line : line.slice(0, space))
        if (Number.isNaN(at) || at < cutoff) continue
        emit(o.timestamps ? line : line.slice(space + 1))
      }
    } catch (err) {
      if ((err as Error)?.name !== 'AbortError') throw err
    }
    if (tailHere) for (const line of kept.slice(-o.tail!)) ctx.io.out.write(`${prefix + line}\n`)
  }
  if (o.follow) await Promise.all(streams.map(one))
  else for (const s of streams) await one(s)
}
