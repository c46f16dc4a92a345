import { describe, expect, it } from 'vitest'
import { type FieldValue, rolloutFieldValue } from './rollout-field-path.ts'

const rollout = {
  metadata: {
    name: 'web',
    uid: 'u-1',
    labels: { team: 'payments', app: 'web' },
    annotations: { note: 'say "hi"' },
  },
  spec: {
    replicas: 4,
    paused: false,
    strategy: { canary: { steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }] } },
  },
}

describe("rolloutFieldValue (Argo's fieldRef: ExtractFieldPathAsString, extractValueFromRollout)", () => {
  const cases: Array<{ path: string; want: FieldValue }> = [
    { path: 'metadata.name', want: { value: 'web' } },
    { path: 'metadata.namespace', want: { value: 'default' } },
    { path: 'metadata.uid', want: { value: 'u-1' } },
    { path: "metadata.labels['team']", want: { value: 'payments' } },
    { path: "metadata.annotations['absent']", want: { value: '' } },
    { path: 'metadata.labels', want: { value: 'app="web"\nteam="payments"' } },
    { path: 'metadata.annotations', want: { value: 'note="say \\"hi\\""' } },
    { path: 'metadata.generation', want: { error: 'unsupported fieldPath: metadata.generation' } },
    { path: 'spec.replicas', want: { value: '4' } },
    { path: 'spec.paused', want: { value: 'false' } },
    { path: 'spec.strategy.canary.steps[0].setWeight', want: { value: '20' } },
    { path: 'spec.strategy.canary.steps.1.pause.duration', want: { value: '1m' } },
    { path: 'spec.strategy.canary.steps[2]', want: { error: 'index 2 out of range' } },
    { path: 'spec.strategy.canary.steps[x]', want: { error: "invalid index 'x'" } },
    { path: 'spec.nope', want: { error: 'invalid path spec.nope in rollout' } },
    { path: 'spec.replicas.x', want: { error: 'invalid path spec.replicas.x in rollout' } },
    {
      path: 'spec.strategy',
      want: { error: 'path spec.strategy in rollout must terminate in a primitive value' },
    },
  ]
  for (const c of cases) it(c.path, () => expect(rolloutFieldValue(rollout, c.path)).toEqual(c.want))
})
