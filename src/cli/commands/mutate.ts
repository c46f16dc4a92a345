/**
 * @module
 * Read-modify-write against the API with kubectl's habits: the write carries the
 * resourceVersion that was read, and a conflict (someone else wrote in between, typically the
 * controller updating status) means read again and redo the change.
 */
import { retryOnConflict } from '../../api/retry-on-conflict.ts'
import type { Kind, KindMap } from '../../api/types.ts'
import { CHANGE_CAUSE_ANNOTATION } from '../../rollout/annotations.ts'
import type { ApiClient } from '../client.ts'
import type { CliContext } from '../command.ts'

/**
 * Applies `change` to a fresh copy until the write lands. `change` returns false when there
 * is nothing to write (the object already is as wanted). With `retryConflicts: false` a
 * conflict is the answer (a --resource-version precondition set by `change`).
 */
export async function updateWithRetry<K extends Kind>(
  client: ApiClient,
  kind: K,
  namespace: string,
  name: string,
  change: (obj: KindMap[K]) => boolean | void,
  opts: { retryConflicts?: boolean } = {},
): Promise<{ obj: KindMap[K]; changed: boolean }> {
  return retryOnConflict(
    async () => {
      const obj = await client.get(kind, namespace, name)
      if (change(obj) === false) return { obj, changed: false }
      return { obj: await client.update(obj), changed: true }
    },
    opts.retryConflicts === false ? 1 : undefined,
  )
}

/** kubectl's --record value: the command line, with --record spelled out as --record=true. */
export function changeCause(ctx: CliContext): string {
  const args = ctx.argv.map((a) => (a === '--record' ? '--record=true' : a))
  return ['baton', ...args].join(' ')
}

export function recordChangeCause(
  meta: { annotations?: Record<string, string> },
  ctx: CliContext,
  record: boolean,
): void {
  if (record) meta.annotations = { ...meta.annotations, [CHANGE_CAUSE_ANNOTATION]: changeCause(ctx) }
}
