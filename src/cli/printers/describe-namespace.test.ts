import { describe, expect, it } from 'vitest'
import type { Namespace } from '../../api/types.ts'
import { describeNamespace } from './describe-namespace.ts'

const ns = (over: Partial<Namespace['metadata']>, phase?: 'Active' | 'Terminating'): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team', ...over },
  spec: { finalizers: ['kubernetes'] },
  ...(phase ? { status: { phase } } : {}),
})

// kubectl 1.35's describe.go describeNamespace, for a namespace without ResourceQuotas or
// LimitRanges: no Namespace line, no spec, no Events, a blank line before each section.
const cases: Array<{ name: string; ns: Namespace; want: string }> = [
  {
    name: 'an active namespace without labels or annotations',
    ns: ns({}, 'Active'),
    want: `Name:         team
Labels:       <none>
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
`,
  },
  {
    name: 'a terminating namespace with labels (sorted, one a line) and an annotation',
    ns: ns({ labels: { tier: 'fe', env: 'prod' }, annotations: { owner: 'ops' } }, 'Terminating'),
    want: `Name:         team
Labels:       env=prod
              tier=fe
Annotations:  owner: ops
Status:       Terminating

No resource quota.

No LimitRange resource.
`,
  },
]

describe('describeNamespace (kubectl describe namespace)', () => {
  it.each(cases)('$name', ({ ns, want }) => {
    expect(describeNamespace(ns)).toBe(want)
  })
})
