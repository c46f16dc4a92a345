/**
 * @module
 * `rollout history` and `rollout undo` of a StatefulSet, as kubectl does them from its
 * ControllerRevisions (polymorphichelpers history.go StatefulSetHistoryViewer, rollback.go
 * StatefulSetRollbacker): each revision's number, change-cause and pod template, the one to
 * go back to (`--to-revision`, or 0 for the one before the latest), and the "skipped rollback"
 * when the set already runs it. Pure.
 */
import { isControlledBy } from '../api/owner-refs.ts'
import type { ControllerRevision, PodTemplateSpec, StatefulSet } from '../api/types.ts'
import { BatonError } from '../errors/baton-error.ts'
import { CHANGE_CAUSE_ANNOTATION } from './annotations.ts'
import type { HistoryRow } from './history.ts'
import { equalIgnoreHash } from './template-hash.ts'

/** The pod template a StatefulSet revision restores (its data is `{spec: {template}}`). */
export function statefulSetRevisionTemplate(revision: ControllerRevision): PodTemplateSpec | undefined {
  const data = revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined
  const stored = data?.spec?.template
  if (!stored) return undefined
  const { $patch: _replace, ...template } = stored
  return template
}

function owned(set: StatefulSet, revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return revisions.filter((r) => isControlledBy(r, set)).sort((a, b) => a.revision - b.revision)
}

/** One row per revision the set controls, by revision number. */
export function statefulSetHistory(set: StatefulSet, revisions: readonly ControllerRevision[]): HistoryRow[] {
  return owned(set, revisions).map((r) => {
    const cause = r.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION]
    return { revision: r.revision, ...(cause ? { changeCause: cause } : {}) }
  })
}

function notFound(n: number, name: string): BatonError {
  return new BatonError('BATON_REVISION_NOT_FOUND', `unable to find specified revision ${n} in history`, {
    hint: `list the revisions with \`baton rollout history statefulset/${name}\``,
  })
}

/** The template of revision `n` (`rollout history --revision=n`). */
export function statefulSetTemplateAt(
  set: StatefulSet,
  revisions: readonly ControllerRevision[],
  n: number,
): PodTemplateSpec {
  const r = owned(set, revisions).find((x) => x.revision === n)
  const template = r && statefulSetRevisionTemplate(r)
  if (!template) throw notFound(n, set.metadata.name)
  return template
}

export type StatefulSetUndo = { kind: 'rollback'; template: PodTemplateSpec } | { kind: 'skipped'; message: string }

/**
 * What `rollout undo statefulset/NAME --to-revision=N` does: N = 0 is the revision before the
 * latest (none when there is only one).
 */
export function planStatefulSetUndo(
  set: StatefulSet,
  revisions: readonly ControllerRevision[],
  toRevision: number,
): StatefulSetUndo {
  const history = owned(set, revisions)
  if (toRevision < 0) throw notFound(toRevision, set.metadata.name)
  const target =
    toRevision === 0
      ? history.length <= 1
        ? undefined
        : history[history.length - 2]
      : history.find((r) => r.revision === toRevision)
  const template = target && statefulSetRevisionTemplate(target)
  if (!target || !template) throw notFound(toRevision, set.metadata.name)
  if (equalIgnoreHash(template, set.spec.template)) {
    return { kind: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})` }
  }
  return { kind: 'rollback', template }
}
