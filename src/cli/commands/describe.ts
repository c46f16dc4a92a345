/**
 * @module
 * `baton describe`: kubectl's detailed views of deployments, replica sets, pods and services
 * (with their events) and namespaces; other kinds show their metadata and YAML body.
 */
import { stringify } from 'yaml'
import type {
  AnyObject,
  Deployment,
  Endpoints,
  Event,
  Namespace,
  Pod,
  ReplicaSet,
  Service,
  StatefulSet,
} from '../../api/types.ts'
import type { ApiClient } from '../client.ts'
import { defineCommand, str, usageError } from '../command.ts'
import { describeDeployment } from '../printers/describe-deployment.ts'
import { describeNamespace } from '../printers/describe-namespace.ts'
import { describePod, describeReplicaSet, describeService } from '../printers/describe-others.ts'
import { describeStatefulSet } from '../printers/describe-statefulset.ts'
import {
  annotationsMultiline,
  DescribeWriter,
  eventsSection,
  labelsMultiline,
  LEVEL_0,
  nameAndNamespace,
} from '../printers/describe-writer.ts'
import { parseResourceArgs, type ResourceArgs } from '../resource-args.ts'
import { ownedPods, ownedReplicaSets } from './owned.ts'

export interface DescribeOptions {
  resources: ResourceArgs
  selector?: string
  showEvents: boolean
  namespace: string
}

async function eventsFor(client: ApiClient, obj: AnyObject): Promise<Event[]> {
  const fieldSelector = `involvedObject.kind=${obj.kind},involvedObject.name=${obj.metadata.name}`
  const list = await client.list('Event', { namespace: obj.metadata.namespace ?? 'default', fieldSelector })
  // A deleted and re-created object of the same name must not inherit its predecessor's events.
  return list.items.filter(
    (e) => !e.involvedObject.uid || !obj.metadata.uid || e.involvedObject.uid === obj.metadata.uid,
  )
}

function describeGeneric(obj: AnyObject, events: Event[] | undefined, now: number): string {
  const w = new DescribeWriter()
  nameAndNamespace(w, obj.metadata)
  labelsMultiline(w, 'Labels', obj.metadata.labels)
  annotationsMultiline(w, 'Annotations', obj.metadata.annotations)
  const { apiVersion: _a, kind: _k, metadata: _m, ...body } = obj as AnyObject & Record<string, unknown>
  const yaml = Object.keys(body).length ? stringify(body).replace(/\n$/, '') : ''
  if (yaml) for (const line of yaml.split('\n')) w.line(LEVEL_0, line)
  eventsSection(w, events, now)
  return w.toString()
}

async function describeOne(client: ApiClient, obj: AnyObject, showEvents: boolean, now: number): Promise<string> {
  // kubectl's NamespaceDescriber shows no Events, so none are asked for.
  if (obj.kind === 'Namespace') return describeNamespace(obj as Namespace)
  const events = showEvents ? await eventsFor(client, obj) : undefined
  switch (obj.kind) {
    case 'Deployment': {
      const replicaSets = await ownedReplicaSets(client, obj as Deployment)
      return describeDeployment({ deployment: obj as Deployment, replicaSets, ...(events ? { events } : {}), now })
    }
    case 'ReplicaSet':
      return describeReplicaSet(obj as ReplicaSet, await ownedPods(client, obj as ReplicaSet), events, now)
    case 'StatefulSet':
      return describeStatefulSet(obj as StatefulSet, await ownedPods(client, obj as StatefulSet), events, now)
    case 'Pod':
      return describePod(obj as Pod, events, now)
    case 'Service': {
      const ep = await client
        .get('Endpoints', obj.metadata.namespace ?? 'default', obj.metadata.name)
        .catch(() => undefined)
      return describeService(obj as Service, ep as Endpoints | undefined, events, now)
    }
    default:
      return describeGeneric(obj, events, now)
  }
}

export const describeCommand = defineCommand<DescribeOptions>({
  path: ['describe'],
  summary: 'Show details of a specific resource or group of resources',
  args: '[resources...]',
  usage: '(TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [flags]',
  examples: ['  baton describe deployment web', '  baton describe pods -l app=web', '  baton describe svc/web'].join(
    '\n',
  ),
  flags: [
    { flags: '-l, --selector <selector>', description: 'Label selector to filter on' },
    { flags: '--show-events <bool>', description: 'Show the events related to the described object', default: 'true' },
  ],
  complete: (args, flags, ctx) => ({
    resources: parseResourceArgs(args),
    ...(str(flags.selector) ? { selector: str(flags.selector)! } : {}),
    showEvents: String(flags.showEvents) !== 'false',
    namespace: ctx.namespace,
  }),
  async run(o, ctx) {
    const client = ctx.client()
    const objects: AnyObject[] = []
    for (const ref of o.resources.refs) objects.push(await client.get(ref.kind, o.namespace, ref.name))
    for (const kind of o.resources.kinds) {
      const list = await client.list(kind, {
        namespace: o.namespace,
        ...(o.selector ? { labelSelector: o.selector } : {}),
      })
      objects.push(...list.items)
    }
    if (objects.length === 0) {
      if (o.resources.kinds.length === 0) throw usageError('nothing to describe')
      ctx.io.err.write(`No resources found in ${o.namespace} namespace.\n`)
      return 0
    }
    const texts: string[] = []
    for (const obj of objects) texts.push(await describeOne(client, obj, o.showEvents, ctx.clock.now()))
    ctx.io.out.write(texts.join('\n\n'))
    return 0
  },
})
