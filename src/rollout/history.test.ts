import { describe, expect, it } from 'vitest'
import { formatRolloutHistory, revisionTemplate, rolloutHistory } from './history.ts'
import { aDeployment, aReplicaSet } from '../../test/support/builders.ts'

const d = aDeployment()
const cause = (c: string) => ({ 'kubernetes.io/change-cause': c })

describe('rolloutHistory', () => {
  it.each([
    { name: 'no ReplicaSets', rss: [], rows: [] },
    {
      name: 'sorted by revision, change-cause when present',
      rss: [
        aReplicaSet({
          name: 'web-c',
          replicas: 3,
          revision: 10,
          annotations: cause('kubectl set image deployment/web app=app:v3'),
        }),
        aReplicaSet({ name: 'web-a', replicas: 0, revision: 2 }),
        aReplicaSet({ name: 'web-b', replicas: 0, revision: 9, annotations: cause('scale') }),
      ],
      rows: [
        { revision: 2 },
        { revision: 9, changeCause: 'scale' },
        { revision: 10, changeCause: 'kubectl set image deployment/web app=app:v3' },
      ],
    },
    {
      name: 'unreadable revisions are skipped',
      rss: [aReplicaSet({ name: 'web-a', replicas: 0, revision: 'x' })],
      rows: [],
    },
    {
      name: 'RSs of another Deployment are ignored',
      rss: [aReplicaSet({ name: 'api-a', replicas: 0, revision: 1, owner: aDeployment({ name: 'api' }) })],
      rows: [],
    },
  ])('$name', ({ rss, rows }) => {
    expect(rolloutHistory(d, rss)).toEqual(rows)
  })
})

describe('formatRolloutHistory', () => {
  it("prints kubectl's table", () => {
    expect(
      formatRolloutHistory([{ revision: 1 }, { revision: 2, changeCause: 'kubectl set image deployment nginx' }]),
    ).toBe('REVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deployment nginx\n')
  })
  it('widens the first column for long revision numbers', () => {
    expect(formatRolloutHistory([{ revision: 1234567890 }])).toBe('REVISION    CHANGE-CAUSE\n1234567890  <none>\n')
  })
  it('says when there is no history', () => {
    expect(formatRolloutHistory([])).toBe('No rollout history found.')
  })
})

describe('revisionTemplate', () => {
  const rss = [
    aReplicaSet({ name: 'web-a', replicas: 0, revision: 1, image: 'app:v1' }),
    aReplicaSet({ name: 'web-b', replicas: 1, revision: 2, image: 'app:v2' }),
  ]
  it('returns the template of that revision', () => {
    expect(revisionTemplate(rss, 1).spec.containers[0]?.image).toBe('app:v1')
  })
  it('fails for a missing revision', () => {
    expect(() => revisionTemplate(rss, 7)).toThrow('unable to find the specified revision')
  })
})
