/**
 * @module
 * `baton create -f FILE` (fails for objects that exist) and kubectl's generators
 * `baton create deployment NAME --image=IMAGE [--replicas=N] [--port=N] [-- COMMAND [ARG...]]`
 * and `baton create configmap NAME --from-literal=K=V --from-file=[K=]PATH --from-env-file=PATH`,
 * and `baton create secret generic NAME` from the same sources (with `--type`). kubectl's other
 * secret generators (docker-registry, tls) are refused by name.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, ConfigMap, Deployment, Secret } from '../../api/types.ts'
import { countFlag, defineCommand, str, usageError } from '../command.ts'
import { generateConfigMap, generateSecret } from './config-generators.ts'
import { filenames, forEachObject, readManifests } from './manifests.ts'
import { type OutputFormat, parseOutput, printObjects } from './output.ts'

export interface CreateOptions {
  files: string[]
  generated?: Deployment | ConfigMap | Secret
  /** --dry-run=client: print what would be created, create nothing. */
  dryRun?: boolean
  output?: OutputFormat
}

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [])

/** The words after a `--` on the command line (`create deployment x --image=i -- sleep 10`). */
export function afterDoubleDash(argv: readonly string[]): string[] {
  const at = argv.indexOf('--')
  return at < 0 ? [] : argv.slice(at + 1)
}

/** kubectl names the container after the image: "registry/team/web-app:1.2" -> "web-app". */
export function containerNameFor(image: string): string {
  const last = image.split('/').pop() ?? image
  return last
    .replace(/[@:].*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
}

export function generateDeployment(
  name: string,
  namespace: string,
  image: string,
  replicas: number,
  port?: number,
  command: string[] = [],
): Deployment {
  const labels = { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: containerNameFor(image),
              image,
              ...(command.length > 0 ? { command } : {}),
              ...(port ? { ports: [{ containerPort: port }] } : {}),
            },
          ],
        },
      },
    },
  }
}

export const createCommand = defineCommand<CreateOptions>({
  path: ['create'],
  summary: 'Create a resource from a file or from stdin, a deployment from an image, a config map or a secret',
  args: '[args...]',
  usage:
    '(-f FILENAME | deployment NAME --image=IMAGE [--replicas=N] [--port=N] [-- COMMAND [ARG...]] | configmap NAME | secret generic NAME [--type=TYPE]) [--from-literal=K=V] [--from-file=[K=]PATH] [--from-env-file=PATH] [flags]',
  examples: [
    '  baton create -f deploy.yaml',
    '  baton create deployment web --image=web:v1 --replicas=3 --port=8080',
    '  baton create deployment worker --image=tools:v1 -- node worker.js --queue jobs',
    '  baton create configmap app-conf --from-file=application.yml --from-literal=MODE=blue',
    '  baton create secret generic db --from-literal=password=s3cret --from-file=tls.key=./key.pem',
  ].join('\n'),
  flags: [
    {
      flags: '-f, --filename <file>',
      description: 'File, directory or - (stdin) holding the manifests',
      repeatable: true,
    },
    { flags: '--image <image>', description: 'Image (artifact) for the generated deployment' },
    { flags: '--replicas <n>', description: 'Replicas of the generated deployment' },
    { flags: '--port <port>', description: 'Container port of the generated deployment' },
    {
      flags: '--from-literal <key=value>',
      description: 'A config map or secret key and its value (repeatable)',
      repeatable: true,
    },
    {
      flags: '--from-file <[key=]path>',
      description:
        'A file (key: its name, or key=) or a directory (a key per file) for a config map or secret (repeatable)',
      repeatable: true,
    },
    {
      flags: '--from-env-file <path>',
      description: 'KEY=VALUE lines for a config map or secret (repeatable)',
      repeatable: true,
    },
    { flags: '--type <type>', description: 'The type of the generated secret (default: Opaque)' },
    { flags: '--dry-run <mode>', description: 'client: print what would be created (with -o), create nothing' },
    { flags: '-o, --output <format>', description: 'json|yaml|name' },
  ],
  complete(args, flags, ctx) {
    const dry = str(flags.dryRun)
    if (dry !== undefined && dry !== 'client' && dry !== 'none')
      throw usageError(`--dry-run=${dry} is not supported`, 'Use --dry-run=client')
    const common = {
      files: filenames(flags),
      dryRun: dry === 'client',
      output: parseOutput(flags.output, ['table', 'json', 'yaml', 'name']),
    }
    if (args.length === 0) return common
    const command = afterDoubleDash(ctx.argv)
    const named = args.slice(0, args.length - command.length)
    const [what, name, ...rest] = named
    const fromFlags = ['fromLiteral', 'fromFile', 'fromEnvFile'].filter((f) => list(flags[f]).length > 0)
    const deploymentFlags = ['image', 'replicas', 'port'].filter((f) => flags[f] !== undefined)
    const flagName = (f: string) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    const sources = {
      literals: list(flags.fromLiteral),
      files: list(flags.fromFile),
      envFiles: list(flags.fromEnvFile),
    }
    if (what === 'secret') {
      // kubectl's `create secret` takes a generator word first: generic, docker-registry or tls.
      const [generator, secretName, ...more] = [name, ...rest]
      if (generator !== 'generic')
        throw usageError(
          generator ? `baton create secret cannot generate "${generator}"` : 'create secret needs a generator',
          'Use create secret generic NAME --from-literal=K=V --from-file=[K=]PATH (or -f FILE for another type)',
        )
      if (deploymentFlags.length > 0)
        throw usageError(`${flagName(deploymentFlags[0]!)} is not a flag of create secret generic`)
      if (!secretName || more.length > 0 || command.length > 0)
        throw usageError('create secret generic takes exactly one NAME')
      return { ...common, generated: generateSecret(secretName, ctx.namespace, str(flags.type), sources) }
    }
    if (flags.type !== undefined) throw usageError('--type is a flag of create secret generic only')
    if (what === 'configmap' || what === 'cm') {
      if (deploymentFlags.length > 0)
        throw usageError(`${flagName(deploymentFlags[0]!)} is not a flag of create configmap`)
      if (!name || rest.length > 0 || command.length > 0) throw usageError('create configmap takes exactly one NAME')
      return { ...common, generated: generateConfigMap(name, ctx.namespace, sources) }
    }
    if (what !== 'deployment' && what !== 'deploy') {
      throw usageError(
        `baton create cannot generate "${what}"`,
        'Use -f FILE, create deployment NAME --image=IMAGE, create configmap NAME --from-..., or create secret generic NAME --from-...',
      )
    }
    if (fromFlags.length > 0)
      throw usageError(
        `${flagName(fromFlags[0]!)} is not a flag of create deployment`,
        `It makes config maps and secrets: create configmap NAME ${flagName(fromFlags[0]!)}=...`,
      )
    if (!name || rest.length > 0)
      throw usageError(
        'create deployment takes exactly one NAME',
        'Put the container command after --: create deployment NAME --image=IMAGE -- COMMAND ARG...',
      )
    const image = str(flags.image)
    if (!image) throw usageError('required flag(s) "image" not set')
    const port = countFlag(flags.port, 'port')
    return {
      ...common,
      generated: generateDeployment(
        name,
        ctx.namespace,
        image,
        countFlag(flags.replicas, 'replicas') ?? 1,
        port,
        command,
      ),
    }
  },
  validate(o) {
    if (o.generated && o.files.length > 0) throw usageError('-f cannot be combined with a generator')
  },
  async run(o, ctx) {
    const objects: AnyObject[] = o.generated ? [o.generated] : await readManifests(o.files, ctx)
    let printedYaml = 0
    await forEachObject(objects, async (obj) => {
      const created = o.dryRun ? obj : await ctx.client().create(obj)
      let printed = printObjects([created], o.output ?? 'table', true)
      // Several YAML documents are separated as kubectl separates them.
      if (printed !== undefined && o.output === 'yaml' && printedYaml++ > 0) printed = `---\n${printed}`
      ctx.io.out.write(
        printed ?? `${qualifiedSingular(obj.kind)}/${obj.metadata.name} created${o.dryRun ? ' (dry run)' : ''}\n`,
      )
    })
    return 0
  },
})
