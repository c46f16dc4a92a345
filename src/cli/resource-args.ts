/**
 * @module
 * kubectl's ways of naming resources on the command line:
 *
 *   get deployments                    every deployment
 *   get deploy web api                 two by name
 *   get deploy/web svc/web             TYPE/NAME pairs, of several types
 *   get deploy,svc                     every object of both types
 *   get deploy,svc web                 the object named web of each type
 *   get all                            pods, services, deployments, replicasets, statefulsets
 *   get deployment.v1.apps/web         TYPE.VERSION.GROUP (and TYPE.GROUP: deployments.apps)
 */
import { kindForName, RESOURCES } from '../api/resources.ts'
import type { Kind } from '../api/types.ts'
import { usageError } from './command.ts'

export interface ResourceRef {
  kind: Kind
  name: string
}

export interface ResourceArgs {
  /** Types to list whole (no names given). */
  kinds: Kind[]
  /** Named objects, in the order given. */
  refs: ResourceRef[]
}

/** What `get all` shows, in kubectl's order. */
export const ALL_KINDS: readonly Kind[] = ['Pod', 'Service', 'Deployment', 'ReplicaSet', 'StatefulSet']

/**
 * kubectl's schema.ParseResourceArg: a word with two dots or more is first read as
 * RESOURCE.VERSION.GROUP (`deployment.v1.apps`, `pods.v1.`), then as RESOURCE.GROUP. Baton
 * serves v1 of every group, so another version names nothing.
 */
function kindForArg(word: string): Kind | undefined {
  const parts = word.split('.')
  if (parts.length >= 3) {
    const [resource, version, ...group] = parts
    if (version === 'v1') {
      const kind = kindForName(`${resource}.${group.join('.')}`)
      if (kind) return kind
    }
  }
  return kindForName(word)
}

export function kindOrThrow(word: string): Kind {
  const kind = kindForArg(word)
  if (!kind) {
    const known = Object.values(RESOURCES)
      .map((r) => r.plural)
      .join(', ')
    throw usageError(`the server doesn't have a resource type "${word}"`, `Known types: ${known}`)
  }
  return kind
}

function kindsOf(word: string): Kind[] {
  return word.split(',').flatMap((w) => (w === 'all' ? [...ALL_KINDS] : [kindOrThrow(w)]))
}

export function parseResourceArgs(args: readonly string[]): ResourceArgs {
  if (args.length === 0)
    throw usageError('you must specify the type of resource', 'e.g. `baton get deployments` or `baton get deploy/web`')
  if (args.every((a) => a.includes('/'))) {
    return {
      kinds: [],
      refs: args.map((a) => {
        const [type = '', name = ''] = a.split('/', 2)
        if (!name) throw usageError(`arguments in resource/name form must have a single resource and name: "${a}"`)
        return { kind: kindOrThrow(type), name }
      }),
    }
  }
  if (args.slice(1).some((a) => a.includes('/'))) {
    throw usageError(
      'there is no need to specify a resource type as a separate argument when passing arguments in resource/name form',
    )
  }
  const [first = '', ...names] = args
  const kinds = kindsOf(first)
  if (names.length === 0) return { kinds, refs: [] }
  if (first.split(',').includes('all'))
    throw usageError('names cannot be given with "all"', 'Name the types, e.g. deploy,svc web')
  return { kinds: [], refs: kinds.flatMap((kind) => names.map((name) => ({ kind, name }))) }
}

/** Exactly one object (`scale`, `rollout status`, `set image`): "TYPE NAME" or "TYPE/NAME". */
export function parseSingleRef(args: readonly string[], allowed?: readonly Kind[]): ResourceRef {
  const { refs } = parseResourceArgs(args)
  if (refs.length !== 1)
    throw usageError('exactly one resource is required, as TYPE NAME or TYPE/NAME', 'e.g. deployment/web')
  const ref = refs[0]!
  if (allowed && !allowed.includes(ref.kind)) {
    throw usageError(
      `${RESOURCES[ref.kind].plural} are not supported here`,
      `Use one of: ${allowed.map((k) => RESOURCES[k].plural).join(', ')}`,
    )
  }
  return ref
}
