/**
 * @module
 * `baton set env TYPE/NAME KEY=VALUE ... KEY-` on a pod template's containers (all, or -c
 * NAME): sets or removes variables, a template change that rolls out.
 */
import { qualifiedSingular } from '../../api/resources.ts'
import type { Container, Deployment, ReplicaSet, StatefulSet } from '../../api/types.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { defineCommand, str, usageError } from '../command.ts'
import { parseSingleRef, type ResourceRef } from '../resource-args.ts'
import { updateWithRetry } from './mutate.ts'

export interface SetEnvOptions {
  ref: ResourceRef
  set: Array<{ name: string; value: string }>
  remove: string[]
  container?: string
  namespace: string
}

/** Applies the changes; returns false when every variable already was as asked. */
export function setEnv(containers: Container[], o: Pick<SetEnvOptions, 'set' | 'remove' | 'container'>): boolean {
  const targets = o.container ? containers.filter((c) => c.name === o.container) : containers
  if (targets.length === 0)
    throw new BatonError('BATON_NOT_FOUND', `unable to find container named "${o.container}"`, {
      hint: `The containers are: ${containers.map((c) => c.name).join(', ')}`,
    })
  let changed = false
  for (const c of targets) {
    const env = [...(c.env ?? [])]
    for (const { name, value } of o.set) {
      const existing = env.find((e) => e.name === name)
      if (existing && existing.value === value && !existing.valueFrom) continue
      changed = true
      if (existing) Object.assign(existing, { value, valueFrom: undefined })
      else env.push({ name, value })
    }
    const kept = env.filter((e) => !o.remove.includes(e.name))
    if (kept.length !== env.length) changed = true
    c.env = kept.map((e) => (e.valueFrom ? e : { name: e.name, value: e.value ?? '' }))
    if (c.env.length === 0) delete c.env
  }
  return changed
}

export const setEnvCommand = defineCommand<SetEnvOptions>({
  path: ['set', 'env'],
  summary: 'Update environment variables on a pod template',
  args: '[args...]',
  usage: '(TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N- [flags]',
  examples: ['  baton set env deployment/web MODE=blue', '  baton set env deploy/web -c web DEBUG-'].join('\n'),
  flags: [{ flags: '-c, --containers <name>', description: 'Only the container of this name (default: all)' }],
  complete(args, flags, ctx) {
    const set = args
      .filter((a) => a.includes('='))
      .map((a) => ({ name: a.slice(0, a.indexOf('=')), value: a.slice(a.indexOf('=') + 1) }))
    const remove = args
      .filter((a) => !a.includes('=') && a.endsWith('-') && !a.includes('/'))
      .map((a) => a.slice(0, -1))
    const resources = args.filter((a) => !a.includes('=') && !(a.endsWith('-') && !a.includes('/')))
    if (set.length === 0 && remove.length === 0)
      throw usageError(
        'at least one environment variable change is required',
        'e.g. baton set env deployment/web MODE=blue',
      )
    const bad = set.find((s) => !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(s.name))
    if (bad) throw usageError(`invalid environment variable name "${bad.name}"`)
    const container = str(flags.containers)
    return {
      ref: parseSingleRef(resources, ['Deployment', 'ReplicaSet', 'StatefulSet']),
      set,
      remove,
      ...(container ? { container } : {}),
      namespace: ctx.namespace,
    }
  },
  async run(o, ctx) {
    await updateWithRetry(ctx.client(), o.ref.kind, o.namespace, o.ref.name, (obj) =>
      setEnv((obj as Deployment | ReplicaSet | StatefulSet).spec.template.spec.containers, o),
    )
    ctx.io.out.write(`${qualifiedSingular(o.ref.kind)}/${o.ref.name} env updated\n`)
    return 0
  },
})
