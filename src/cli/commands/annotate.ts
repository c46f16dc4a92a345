/**
 * @module
 * `baton annotate [--overwrite] (TYPE NAME | TYPE/NAME | TYPE -l SEL | TYPE --all) KEY=VAL ... KEY-`,
 * and `--list`: kubectl's annotate. Prints `deployment.apps/web annotated`.
 */
import { defineMapCommand } from './metadata-map-command.ts'

export const annotateCommand = defineMapCommand({
  verb: 'annotate',
  Verb: 'Annotate',
  field: 'annotations',
  what: 'annotation',
  summary: 'Update the annotations on a resource',
  examples: [
    "baton annotate deployment web kubernetes.io/change-cause='web v2: faster start'",
    'baton annotate deploy/web owner=team-a --overwrite',
    'baton annotate deploy web owner-',
  ],
  example: 'baton annotate deployment web owner=team-a',
  overwrite: 'Replace an annotation that already has another value',
  result: () => 'annotated',
})
