/**
 * @module
 * `baton create -f FILE` (fails for objects that exist) and kubectl's generator
 * `baton create deployment NAME --image=IMAGE [--replicas=N] [--port=N]`.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { AnyObject, Deployment } from '../../api/types.ts'
import { countFlag, defineCommand, str, usageError } from '../command.ts'
import { filenames, forEachObject, readManifests } from './manifests.ts'

export interface CreateOptions {
  files: string[]
  generated?: Deployment
}

/** kubectl names the container after the image: "registry/team/web-app:1.2" -> "web-app". */
export function containerNameFor(image: string): string {
  const last = image.split('/').pop() ?? image
  return last.replace(/[@:].*$/, '').toLowerCase().replace(/[^a-z0-9-]/g, '-')
}

export function generateDeployment(name: string, namespace: string, image: string, replicas: number, port?: number): Deployment {
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
        spec: { containers: [{ name: containerNameFor(image), image, ...(port ? { ports: [{ containerPort: port }] } : {}) }] },
      },
    },
  }
}

export const createCommand = defineCommand<CreateOptions>({
  path: ['create'],
  summary: 'Create a resource from a file or from stdin, or a deployment from an image',
  args: '[args...]',
  usage: '(-f FILENAME | deployment NAME --image=IMAGE [--replicas=N] [--port=N]) [flags]',
  examples: ['  baton create -f deploy.yaml', '  baton create deployment web --image=web:v1 --replicas=3 --port=8080'].join('\n'),
  flags: [
    { flags: '-f, --filename <file>', description: 'File, directory or - (stdin) holding the manifests', repeatable: true },
    { flags: '--image <image>', description: 'Image (artifact) for the generated deployment' },
    { flags: '--replicas <n>', description: 'Replicas of the generated deployment' },
    { flags: '--port <port>', description: 'Container port of the generated deployment' },
  ],
  complete(args, flags, ctx) {
    const files = filenames(flags)
    if (args.length === 0) return { files }
    const [what, name, ...rest] = args
    if (what !== 'deployment' && what !== 'deploy') throw usageError(`baton create cannot generate "${what}"`, 'Use -f FILE, or create deployment NAME --image=IMAGE')
    if (!name || rest.length > 0) throw usageError('create deployment takes exactly one NAME')
    const image = str(flags.image)
    if (!image) throw usageError('required flag(s) "image" not set')
    const port = countFlag(flags.port, 'port')
    return { files, generated: generateDeployment(name, ctx.namespace, image, countFlag(flags.replicas, 'replicas') ?? 1, port) }
  },
  validate(o) {
    if (o.generated && o.files.length > 0) throw usageError('-f cannot be combined with a generator')
  },
  async run(o, ctx) {
    const objects: AnyObject[] = o.generated ? [o.generated] : await readManifests(o.files, ctx)
    await forEachObject(objects, async (obj) => {
      await ctx.client().create(obj)
      ctx.io.out.write(`${qualifiedSingular(obj.kind)}/${obj.metadata.name} created\n`)
    })
    return 0
  },
})
