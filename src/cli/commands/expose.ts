/**
 * @module
 * `baton expose (TYPE NAME | TYPE/NAME) [--port=N] [--target-port=N|NAME] [--name=NAME]
 * [--type=ClusterIP|NodePort|LoadBalancer] [--protocol=TCP] [--selector=k=v] [--labels=k=v]`:
 * kubectl's expose. A Service for a deployment, replica set, pod or service: its selector is the
 * object's (a deployment's matchLabels, a pod's labels), its labels the object's, its ports
 * --port (targetPort --target-port, else the same number) or else the container ports found
 * in the object (named port-1, port-2... when there are several). Prints `service/web exposed`.
 */
import { qualifiedResource } from '../../api/resources.ts'
import type { AnyObject, ContainerPort, Deployment, Pod, ReplicaSet, Service, ServicePort } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { defineCommand, str, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { parseOutput, printObjects, type OutputFormat } from './output.ts'

export interface ExposeOptions {
  ref: ResourceRef
  name?: string
  ports: number[]
  targetPort?: string
  protocol?: ServicePort['protocol']
  type?: Service['spec']['type']
  selector?: Record<string, string>
  labels?: Record<string, string>
  output: OutputFormat
  dryRun: boolean
  namespace: string
}

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const

/** `a=1,b=2` -> {a: '1', b: '2'} (kubectl's --labels and --selector for expose). */
export function parseLabelPairs(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of text.split(',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw usageError(`invalid ${flag} "${text}": write key=value pairs separated by commas`)
    out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}

function selectorOf(obj: AnyObject): Record<string, string> {
  switch (obj.kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      const sel = (obj as Deployment | ReplicaSet).spec.selector
      if (sel.matchExpressions?.length) {
        throw new BatonError(
          'BATON_USAGE',
          `couldn't convert expressions to map-based selector format for ${qualifiedResource(obj.kind)} "${obj.metadata.name}"`,
          {
            hint: 'Give the selector with --selector key=value',
          },
        )
      }
      return { ...sel.matchLabels }
    }
    case 'Pod':
      return { ...obj.metadata.labels }
    case 'Service':
      return { ...(obj as Service).spec.selector }
    default:
      throw new BatonError('BATON_USAGE', `cannot expose a ${obj.kind}`, {
        hint: 'Expose a deployment, replica set, pod or service',
      })
  }
}

function containerPortsOf(obj: AnyObject): Array<{ port: number; protocol?: ServicePort['protocol'] }> {
  const fromContainers = (ports: ContainerPort[]) =>
    ports.map((p) => ({ port: p.containerPort, ...(p.protocol ? { protocol: p.protocol } : {}) }))
  if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet')
    return (obj as Deployment).spec.template.spec.containers.flatMap((c) => fromContainers(c.ports ?? []))
  if (obj.kind === 'Pod') return (obj as Pod).spec.containers.flatMap((c) => fromContainers(c.ports ?? []))
  if (obj.kind === 'Service')
    return (obj as Service).spec.ports.map((p) => ({ port: p.port, ...(p.protocol ? { protocol: p.protocol } : {}) }))
  return []
}

/** The Service `expose` makes for `obj` (pure). */
export function serviceFor(obj: AnyObject, o: ExposeOptions): Service {
  const found: Array<{ port: number; protocol?: ServicePort['protocol'] }> =
    o.ports.length > 0 ? o.ports.map((port) => ({ port })) : containerPortsOf(obj)
  if (found.length === 0) {
    throw new BatonError('BATON_USAGE', "couldn't find port via --port flag or introspection", {
      hint: `Give the port: baton expose ${obj.kind.toLowerCase()} ${obj.metadata.name} --port=80`,
    })
  }
  const ports: ServicePort[] = found.map((p, i) => {
    const target =
      o.targetPort === undefined ? p.port : /^\d+$/.test(o.targetPort) ? Number(o.targetPort) : o.targetPort
    return {
      ...(found.length > 1 ? { name: `port-${i + 1}` } : {}),
      port: p.port,
      protocol: o.protocol ?? p.protocol ?? 'TCP',
      targetPort: target,
    }
  })
  const labels = o.labels ?? obj.metadata.labels
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name ?? obj.metadata.name,
      namespace: o.namespace,
      ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}),
    },
    spec: { selector: o.selector ?? selectorOf(obj), ports, ...(o.type ? { type: o.type } : {}) },
  }
}

export const exposeCommand = defineCommand<ExposeOptions>({
  path: ['expose'],
  summary: 'Expose a deployment, replica set, pod or service as a new Service',
  args: '[resource...]',
  usage:
    '(TYPE NAME | TYPE/NAME) [--port=PORT] [--target-port=PORT] [--name=NAME] [--type=TYPE] [--protocol=TCP|UDP|SCTP] [flags]',
  examples: [
    '  baton expose deployment web --port=80 --target-port=8080',
    '  baton expose deploy/web --name=web-public --port=8081 --type=LoadBalancer',
    '  baton expose pod web-5d8f7c9b4-abcde --port=9090 --dry-run=client -o yaml',
  ].join('\n'),
  flags: [
    { flags: '--port <port>', description: "The Service's port (default: the object's container ports)" },
    {
      flags: '--target-port <port>',
      description: 'The container port (number or name) traffic goes to (default: --port)',
    },
    { flags: '--name <name>', description: "The Service's name (default: the object's)" },
    { flags: '--type <type>', description: 'ClusterIP (default), NodePort or LoadBalancer' },
    { flags: '--protocol <protocol>', description: 'TCP (default), UDP or SCTP' },
    { flags: '--selector <selector>', description: "key=value,... pods to select (default: the object's selector)" },
    {
      flags: '-l, --labels <labels>',
      description: "key=value,... labels of the Service (default: the object's labels)",
    },
    { flags: '--dry-run <mode>', description: 'client: print the Service instead of creating it (with -o)' },
    { flags: '-o, --output <format>', description: 'json|yaml|name' },
  ],
  complete(args, flags, ctx) {
    const portText = str(flags.port)
    const ports = portText === undefined ? [] : portText.split(',').map((p) => Number(p))
    if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))
      throw usageError(`invalid --port "${portText}": ports are integers from 1 to 65535`)
    const type = str(flags.type)
    if (type !== undefined && !(TYPES as readonly string[]).includes(type))
      throw usageError(`invalid --type "${type}"`, `Use one of ${TYPES.join(', ')}`)
    const protocol = str(flags.protocol)
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol))
      throw usageError(`invalid --protocol "${protocol}"`, `Use one of ${PROTOCOLS.join(', ')}`)
    const dryRun = str(flags.dryRun)
    if (dryRun !== undefined && dryRun !== 'client' && dryRun !== 'none')
      throw usageError(`--dry-run=${dryRun} is not supported`, 'Use --dry-run=client')
    return {
      ref: parseSingleRef(args, ['Deployment', 'ReplicaSet', 'Pod', 'Service']),
      ...(str(flags.name) ? { name: str(flags.name)! } : {}),
      ports,
      ...(str(flags.targetPort) ? { targetPort: str(flags.targetPort)! } : {}),
      ...(protocol ? { protocol: protocol as ServicePort['protocol'] } : {}),
      ...(type ? { type: type as Service['spec']['type'] } : {}),
      ...(str(flags.selector) ? { selector: parseLabelPairs(str(flags.selector)!, '--selector') } : {}),
      ...(str(flags.labels) ? { labels: parseLabelPairs(str(flags.labels)!, '--labels') } : {}),
      output: parseOutput(flags.output, ['table', 'json', 'yaml', 'name']),
      dryRun: dryRun === 'client',
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    const obj = await ctx.client().get(o.ref.kind, o.namespace, o.ref.name)
    const svc = serviceFor(obj, o)
    const result = o.dryRun ? svc : await ctx.client().create(svc)
    ctx.io.out.write(
      printObjects([result], o.output, true) ?? `service/${svc.metadata.name} exposed${o.dryRun ? ' (dry run)' : ''}\n`,
    )
    return 0
  },
})
