/**
 * @module
 * `baton run NAME --image=IMAGE [--port=N] [--labels=k=v] [--env=K=V] [--restart=Always]
 * [--command] [-- ARG...]`: kubectl's run, one Pod. Labels default to `run=NAME`, the container
 * is named NAME; the words after `--` are its args, or its command with --command. Prints
 * `pod/NAME created`. --dry-run=client -o yaml prints the Pod instead, for a manifest to edit.
 * kubectl's interactive flags (-i, -t, --rm, --attach) are not offered: the CLI refuses them as
 * unknown options.
 */
import type { Pod } from '../../api/types.ts'
import { bool, countFlag, defineCommand, str, usageError } from '../command.ts'
import { afterDoubleDash } from './create.ts'
import { parseLabelPairs } from './expose.ts'
import { parseOutput, printObjects, type OutputFormat } from './output.ts'

export interface RunOptions {
  pod: Pod
  output: OutputFormat
  dryRun: boolean
}

const RESTART = ['Always', 'OnFailure', 'Never'] as const

/**
 * The one node's name (runtime/types.ts DEFAULT_NODE_NAME; test/e2e/kubectl-verbs.test.ts holds
 * them equal). The API binds a bare Pod that names no node to it (api/pod-binding.ts); `run`
 * names it too, so that `--dry-run=client -o yaml` shows the pod as it will run.
 */
export const NODE_NAME = 'baton-node'

export const runCommand = defineCommand<RunOptions>({
  path: ['run'],
  summary: 'Run a particular image as a pod',
  args: '[args...]',
  usage:
    'NAME --image=IMAGE [--port=PORT] [--labels=k=v,...] [--env=K=V ...] [--restart=Always|OnFailure|Never] [--command] [-- ARG...] [flags]',
  examples: [
    '  baton run web --image=web:v1 --port=8080',
    '  baton run job --image=tools:v1 --restart=Never --command -- node job.js',
    '  baton run web --image=web:v1 --dry-run=client -o yaml > pod.yaml',
  ].join('\n'),
  flags: [
    { flags: '--image <image>', description: 'The image (artifact) to run' },
    { flags: '--port <port>', description: 'The port the container exposes' },
    { flags: '-l, --labels <labels>', description: 'key=value,... labels of the pod (default: run=NAME)' },
    { flags: '--env <KEY=VALUE>', description: 'An environment variable (repeatable)', repeatable: true },
    { flags: '--restart <policy>', description: 'Always (default), OnFailure or Never' },
    { flags: '--command', description: 'The words after -- are the command, not its args' },
    { flags: '--dry-run <mode>', description: 'client: print the pod instead of creating it (with -o)' },
    { flags: '-o, --output <format>', description: 'json|yaml|name' },
  ],
  complete(args, flags, ctx) {
    const extra = afterDoubleDash(ctx.argv)
    const named = args.slice(0, args.length - extra.length)
    if (named.length !== 1)
      throw usageError('NAME is required for run, and only one', 'e.g. baton run web --image=web:v1')
    const name = named[0]!
    const image = str(flags.image)
    if (!image) throw usageError('required flag(s) "image" not set')
    const restart = str(flags.restart) ?? 'Always'
    if (!(RESTART as readonly string[]).includes(restart))
      throw usageError(`invalid restart policy: ${restart}`, `Use one of ${RESTART.join(', ')}`)
    if (bool(flags.command) && extra.length === 0)
      throw usageError('--command needs the command after --', 'e.g. baton run x --image=i --command -- node app.js')
    const env = ((flags.env as string[] | undefined) ?? []).map((e) => {
      const eq = e.indexOf('=')
      if (eq <= 0) throw usageError(`invalid env: ${e}`, 'Write --env=KEY=VALUE')
      return { name: e.slice(0, eq), value: e.slice(eq + 1) }
    })
    const port = countFlag(flags.port, 'port')
    const dryRun = str(flags.dryRun)
    if (dryRun !== undefined && dryRun !== 'client' && dryRun !== 'none')
      throw usageError(`--dry-run=${dryRun} is not supported`, 'Use --dry-run=client')
    const labels = str(flags.labels) ? parseLabelPairs(str(flags.labels)!, '--labels') : { run: name }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ctx.namespace, labels },
      spec: {
        containers: [
          {
            name,
            image,
            ...(extra.length > 0 ? (bool(flags.command) ? { command: extra } : { args: extra }) : {}),
            ...(env.length > 0 ? { env } : {}),
            ...(port ? { ports: [{ containerPort: port }] } : {}),
          },
        ],
        restartPolicy: restart as 'Always',
        nodeName: NODE_NAME,
      },
    }
    return { pod, output: parseOutput(flags.output, ['table', 'json', 'yaml', 'name']), dryRun: dryRun === 'client' }
  },
  async run(o, ctx) {
    const result = o.dryRun ? o.pod : await ctx.client().create(o.pod)
    ctx.io.out.write(
      printObjects([result], o.output, true) ?? `pod/${o.pod.metadata.name} created${o.dryRun ? ' (dry run)' : ''}\n`,
    )
    return 0
  },
})
