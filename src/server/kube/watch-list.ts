/**
 * @module
 * client-go's watch-list (`?watch=true&sendInitialEvents=true`): the objects of a list as ADDED
 * events, then a BOOKMARK annotated `k8s.io/initial-events-end` saying they are all there; the
 * watch then streams the changes after that list's resourceVersion.
 */
import type { AnyObject } from '../../api/types.ts'
import { type FieldRequirement, matchesFields } from '../field-selector.ts'

export interface WatchListStart {
  resourceVersion: string
  initial: Array<{ type: string; object: unknown }>
}

/** The initial events of a watch-list over `list`, the bookmark in `kind` and `apiVersion`'s shape. */
export function watchListStart(
  list: { items: readonly AnyObject[]; resourceVersion: string },
  fields: readonly FieldRequirement[],
  type: { kind: string; apiVersion: string },
): WatchListStart {
  const { resourceVersion } = list
  return {
    resourceVersion,
    initial: [
      ...list.items.filter((o) => matchesFields(o, fields)).map((object) => ({ type: 'ADDED', object })),
      {
        type: 'BOOKMARK',
        object: { ...type, metadata: { resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } },
      },
    ],
  }
}
