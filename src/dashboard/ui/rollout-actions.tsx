/**
 * @module
 * The Rollout page's confirmations: Promote, Promote full, Abort and Retry, each saying what it
 * will do before it is done. Confirm makes the write `baton rollout promote [--full] | abort |
 * retry` makes (client/rollout-verb.ts with the verb of rollout/argo-verbs.ts, on the Rollout
 * read afresh); a refusal or an API error stays in the dialog with its hint.
 */
import type { Rollout } from '../../api/types.ts'
import { writeRolloutVerb } from '../../client/rollout-verb.ts'
import { api } from './api.ts'
import { Dialog } from './dialog.tsx'
import { type RolloutVerb, VERBS } from './rollout-verbs.ts'

const TEXT: Record<RolloutVerb, { title: string; text: string; danger?: boolean }> = {
  promote: {
    title: 'Promote',
    text: 'Leaves the pause the rollout waits in (or spec.paused), or skips the step it is on; a blue-green preview is switched to active once it is available.',
  },
  'promote-full': {
    title: 'Promote fully',
    text: 'Skips every remaining step and analysis: the new revision is scaled to full size and takes all the traffic.',
  },
  abort: {
    title: 'Abort',
    text: 'Every request goes back to the stable revision at once, the analysis stops, and the new revision’s pods are scaled down after abortScaleDownDelaySeconds. Retry or a new template starts again.',
    danger: true,
  },
  retry: {
    title: 'Retry',
    text: 'Runs the steps again from the first, with new analysis runs, for the same template.',
  },
}

export function RolloutVerbDialog(props: { verb: RolloutVerb; rollout: Rollout; onClose: () => void }) {
  const { verb, rollout: r } = props
  const t = TEXT[verb]
  return (
    <Dialog
      title={`${t.title} ${r.metadata.name}`}
      confirmLabel={VERBS[verb].label}
      {...(t.danger ? { danger: true } : {})}
      onClose={props.onClose}
      onConfirm={async () => {
        await writeRolloutVerb(api, r.metadata.namespace ?? 'default', r.metadata.name, VERBS[verb].run)
      }}
    >
      <p>{t.text}</p>
    </Dialog>
  )
}
