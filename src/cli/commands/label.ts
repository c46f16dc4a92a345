/**
 * @module
 * `baton label [--overwrite] (TYPE NAME | TYPE/NAME | TYPE -l SEL | TYPE --all) KEY=VAL ... KEY-`,
 * and `--list`: kubectl's label. Prints `deployment.apps/web labeled`, `unlabeled` when only
 * removals changed something, `not labeled` when nothing changed. Keys and values are checked
 * by the API server's validation, so an invalid label is refused there with its field path.
 */
import { defineMapCommand } from './metadata-map-command.ts'

export const labelCommand = defineMapCommand({
  verb: 'label',
  Verb: 'Label',
  field: 'labels',
  what: 'label',
  summary: 'Update the labels on a resource',
  examples: [
    'baton label deployment web tier=front',
    'baton label deploy/web tier=back --overwrite',
    'baton label pods -l app=web canary=true',
    'baton label deploy web tier-',
    'baton label deploy web --list',
  ],
  example: 'baton label deployment web tier=front',
  overwrite: 'Replace a label that already exists (without it, that is refused)',
  notes: (remove, before) => remove.filter((k) => before?.[k] === undefined).map((k) => `label "${k}" not found.`),
  result: ({ changed, before, after, overwrite }) =>
    !changed
      ? 'not labeled'
      : Object.keys(after ?? {}).length < Object.keys(before ?? {}).length && !overwrite
        ? 'unlabeled'
        : 'labeled',
})
