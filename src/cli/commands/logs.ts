/**
 * @module
 * `baton logs POD | TYPE/NAME [-c CONTAINER] [-f] [--tail=N] [--timestamps] [-p]`. For a
 * deployment or replica set, one of its pods is chosen, as kubectl does ("Found 3 pods, using
 * pod/web-..."). `-l`, `--all-containers`, `--prefix` and `--since` are in ./logs-many.ts.
 */
import { selectorToString } from '../../api/labels.ts'
import type { Deployment, Pod, ReplicaSet, StatefulSet } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { parseDuration } from '../../api/go-duration.ts'
import { isBrokenStream } from '../../client/list-and-watch.ts'
import type { ApiClient, LogQuery } from '../client.ts'
import { bool, countFlag, defineCommand, str, usageError } from '../command.ts'
import { podReady } from '../../api/pod-status.ts'
import { parseResourceArgs, type ResourceRef } from '../resource-args.ts'
import { type ManyLogsOptions, printManyLogs } from './logs-many.ts'

export interface LogsOptions {
  /** Absent with -l. */
  target?: ResourceRef
  selector?: string
  many?: Pick<ManyLogsOptions, 'allContainers' | 'prefix' | 'sinceMs' | 'maxLogRequests'>
  container?: string
  follow: boolean
  previous: boolean
  tail?: number
  timestamps: boolean
  namespace: string
}

/** Ready pods first, then running, then the newest: the one most likely to have useful logs. */
function rank(p: Pod): number {
  const [ready = '0'] = podReady(p).split('/')
  return (Number(ready) > 0 ? 2 : 0) + (p.status?.phase === 'Running' ? 1 : 0)
}

async function pickPod(
  client: ApiClient,
  target: ResourceRef,
  namespace: string,
  err: (s: string) => void,
): Promise<string> {
  if (target.kind === 'Pod') return target.name
  if (target.kind !== 'Deployment' && target.kind !== 'ReplicaSet' && target.kind !== 'StatefulSet') {
    throw usageError(
      `cannot get logs from ${target.kind.toLowerCase()}s`,
      'Name a pod, or a deployment, replicaset or statefulset',
    )
  }
  const owner = (await client.get(target.kind, namespace, target.name)) as Deployment | ReplicaSet | StatefulSet
  const pods = (await client.list('Pod', { namespace, labelSelector: selectorToString(owner.spec.selector) })).items
  if (pods.length === 0) {
    throw new BatonError('BATON_NOT_FOUND', `no pods found for ${target.kind.toLowerCase()} "${target.name}"`, {
      hint: 'Check its pods with `baton get pods`',
    })
  }
  const best = [...pods].sort(
    (a, b) =>
      rank(b) - rank(a) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  )[0]!
  if (pods.length > 1) err(`Found ${pods.length} pods, using pod/${best.metadata.name}\n`)
  return best.metadata.name
}

export const logsCommand = defineCommand<LogsOptions>({
  path: ['logs'],
  summary: 'Print the logs for a container in a pod',
  args: '[target...]',
  usage: '[-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [flags]',
  examples: [
    '  baton logs web-5d8f9c7b6-x2x7k',
    '  baton logs deployment/web -f --tail=20',
    '  baton logs web-5d8f9c7b6-x2x7k -c sidecar -p',
  ].join('\n'),
  flags: [
    { flags: '-c, --container <name>', description: 'Print the logs of this container' },
    { flags: '-f, --follow', description: 'Specify if the logs should be streamed' },
    { flags: '-p, --previous', description: 'Print the logs of the previous instance of the container' },
    { flags: '--tail <lines>', description: 'Lines of recent log to display (default -1: all; 10 a pod with -l)' },
    { flags: '--timestamps', description: 'Include timestamps on each line' },
    { flags: '-l, --selector <selector>', description: 'The logs of every pod matching this label selector' },
    { flags: '--all-containers', description: 'The logs of every container of the pod(s)' },
    { flags: '--prefix', description: 'Start each line with [pod/NAME/CONTAINER]' },
    { flags: '--since <duration>', description: 'Only lines newer than this, e.g. 5s, 2m, 1h' },
    {
      flags: '--max-log-requests <n>',
      description: 'At most this many streams followed at once with -f and -l (default 5)',
    },
  ],
  complete(args, flags, ctx) {
    const selector = str(flags.selector)
    const since = str(flags.since)
    const many = {
      allContainers: bool(flags.allContainers),
      prefix: bool(flags.prefix),
      ...(since !== undefined ? { sinceMs: parseDuration(since, 'since') } : {}),
      maxLogRequests: countFlag(flags.maxLogRequests, 'max-log-requests') ?? 5,
    }
    const isMany = selector !== undefined || many.allContainers || many.prefix || since !== undefined
    if (selector !== undefined) {
      if (args.length > 0) throw usageError('only a selector (-l) or a POD/TYPE/NAME may be given, not both')
      if (str(flags.container) && many.allContainers)
        throw usageError('--container cannot be combined with --all-containers')
      const tail = flags.tail === undefined ? 10 : Number(flags.tail)
      if (!Number.isInteger(tail) || tail < -1) throw usageError('--tail must be an integer >= -1')
      return {
        selector,
        many,
        ...(str(flags.container) ? { container: str(flags.container)! } : {}),
        follow: bool(flags.follow),
        previous: bool(flags.previous),
        ...(tail >= 0 ? { tail } : {}),
        timestamps: bool(flags.timestamps),
        namespace: ctx.namespace,
      }
    }
    if (args.length === 0) throw usageError('expected POD or TYPE/NAME', 'e.g. baton logs deployment/web')
    const { refs } =
      args.length === 1 && !args[0]!.includes('/')
        ? { refs: [{ kind: 'Pod' as const, name: args[0]! }] }
        : parseResourceArgs(args)
    if (refs.length !== 1) throw usageError('expected exactly one POD or TYPE/NAME')
    const tail = Number(flags.tail ?? -1)
    if (!Number.isInteger(tail) || tail < -1) throw usageError('--tail must be an integer >= -1')
    const container = str(flags.container)
    if (container && many.allContainers) throw usageError('--container cannot be combined with --all-containers')
    return {
      target: refs[0]!,
      ...(isMany ? { many } : {}),
      ...(container ? { container } : {}),
      follow: bool(flags.follow),
      previous: bool(flags.previous),
      ...(tail >= 0 ? { tail } : {}),
      timestamps: bool(flags.timestamps),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const client = ctx.client()
    if (o.many) {
      const pods = o.selector
        ? (await client.list('Pod', { namespace: o.namespace, labelSelector: o.selector })).items
        : [
            await client.get(
              'Pod',
              o.namespace,
              await pickPod(client, o.target!, o.namespace, (s) => ctx.io.err.write(s)),
            ),
          ]
      if (pods.length === 0) ctx.io.err.write(`No resources found in ${o.namespace} namespace.\n`)
      await printManyLogs(
        pods,
        {
          ...o.many,
          ...(o.container ? { container: o.container } : {}),
          ...(o.tail !== undefined ? { tail: o.tail } : {}),
          follow: o.follow,
          previous: o.previous,
          timestamps: o.timestamps,
          namespace: o.namespace,
        },
        ctx,
      )
      return 0
    }
    const pod = await pickPod(client, o.target!, o.namespace, (s) => ctx.io.err.write(s))
    let query: LogQuery = {
      ...(o.container ? { container: o.container } : {}),
      follow: o.follow,
      previous: o.previous,
      timestamps: o.timestamps,
      ...(o.tail !== undefined ? { tailLines: o.tail } : {}),
    }
    // -f on a quiet log: Node's fetch cuts a body silent for 5 minutes. Follow again from the
    // end (tailLines 0): the log was idle, so nothing is printed twice or, but for a line
    // written in the instant of the reconnect, missed.
    for (let brokenInARow = 0; ; ) {
      let received = false
      try {
        for await (const line of client.logs(o.namespace, pod, query, ctx.signal)) {
          received = true
          ctx.io.out.write(`${line}\n`)
        }
        return 0
      } catch (err) {
        if ((err as Error)?.name === 'AbortError') return 0
        brokenInARow = received ? 1 : brokenInARow + 1
        if (!o.follow || ctx.signal.aborted || !isBrokenStream(err) || brokenInARow > 3) throw err
        query = { ...query, tailLines: 0 }
      }
    }
  },
})
