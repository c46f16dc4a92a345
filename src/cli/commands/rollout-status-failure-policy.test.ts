import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { aDeployment, deploymentAsServed } from '../../../test/support/builders.ts'
import type { Deployment, DeploymentCondition } from '../../api/types.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

let h: Harness
beforeEach(() => {
  h = createHarness()
})
afterEach(() => h.close())

const POLICY = { 'baton.dev/failure-action': 'rollback', 'deployment.kubernetes.io/revision': '2' }
const deadline: DeploymentCondition = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-b" has timed out progressing.',
}

function createWeb(annotations: Record<string, string>, conditions: DeploymentCondition[] = []): Deployment {
  const d = aDeployment(deploymentAsServed('web'))
  delete d.metadata.uid
  d.metadata.annotations = annotations
  const created = h.store.create(d) as Deployment
  return h.store.updateStatus({
    ...created,
    status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 2, conditions },
  }) as Deployment
}

const latest = () => h.store.get('Deployment', 'default', 'web') as Deployment

/** What the failure-policy controller writes: the spec change, the generation it made, the condition. */
function actAsPolicy(kind: 'rollback' | 'pause'): void {
  const d = latest()
  const key = kind === 'rollback' ? 'baton.dev/rolled-back-generation' : 'baton.dev/failure-paused-generation'
  const spec =
    kind === 'rollback'
      ? { ...d.spec, template: { ...d.spec.template, spec: { containers: [{ name: 'web', image: 'web:v1' }] } } }
      : { ...d.spec, paused: true }
  const condition: DeploymentCondition = {
    type: 'FailurePolicy',
    status: 'True',
    reason: kind === 'rollback' ? 'RolledBack' : 'Paused',
    message: 'revision 2 failed: its traffic failed: new revision 5.0% failed (50 of 1000)',
    lastTransitionTime: '2026-01-01T00:00:07Z',
  }
  const withCondition = h.store.updateStatus({ ...d, status: { ...d.status, conditions: [condition] } }) as Deployment
  h.store.update({
    ...withCondition,
    metadata: {
      ...d.metadata,
      resourceVersion: withCondition.metadata.resourceVersion,
      annotations: { ...d.metadata.annotations, [key]: String((d.metadata.generation ?? 1) + 1) },
    },
    spec,
  })
}

/** The deployment controller's part: the restored revision back in full. */
function restored(): void {
  const d = latest()
  const n = d.spec.replicas ?? 1
  const status = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: n,
    updatedReplicas: n,
    availableReplicas: n,
  }
  h.store.updateStatus({ ...d, status: { ...d.status, ...status } })
}

describe('rollout status and the failure policy', () => {
  it('3 when rolled back automatically, saying when and why', async () => {
    createWeb(POLICY)
    const running = h.start('rollout status deployment/web')
    await running.waitFor('rollout to finish')
    actAsPolicy('rollback')
    // Reported once the restored revision is back in full.
    await running.waitFor('Rolling back automatically: Waiting for deployment spec update to be observed...')
    restored()
    const res = await running.result
    expect(res.code).toBe(3)
    expect(res.err).toMatch(
      /^error: deployment "web" was rolled back automatically at 2026-01-01T00:00:07Z: revision 2 failed: its traffic failed: new revision 5\.0% failed \(50 of 1000\)\nhint: /,
    )
  })

  it('at the progress deadline, waits for the policy instead of exiting 1; then 3', async () => {
    createWeb(POLICY, [deadline])
    const running = h.start('rollout status deployment/web')
    await running.waitFor('Waiting for the failure policy: deployment "web" exceeded its progress deadline...')
    actAsPolicy('rollback')
    restored()
    expect((await running.result).code).toBe(3)
  })

  it('4 when paused by the policy', async () => {
    createWeb({ ...POLICY, 'baton.dev/failure-action': 'pause' })
    const running = h.start('rollout status deployment/web')
    await running.waitFor('rollout to finish')
    actAsPolicy('pause')
    const res = await running.result
    expect(res.code).toBe(4)
    expect(res.err).toMatch(/^error: deployment "web" was paused by its failure policy at 2026-01-01T00:00:07Z: /)
  })

  it('the outcome ends with the next change: a new rollout is watched afresh', async () => {
    createWeb(POLICY)
    actAsPolicy('rollback')
    restored()
    expect((await h.run('rollout status deployment/web --watch=false')).code).toBe(3)
    const d = latest()
    h.store.update({ ...d, spec: { ...d.spec, replicas: 4 } })
    const res = await h.run('rollout status deployment/web --watch=false')
    expect(res).toMatchObject({ code: 0, out: 'Waiting for deployment spec update to be observed...\n' })
  })

  it('continue keeps kubectl: exit 1 at the progress deadline', async () => {
    createWeb({ ...POLICY, 'baton.dev/failure-action': 'continue' }, [deadline])
    const res = await h.run('rollout status deployment/web')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: deployment "web" exceeded its progress deadline\n/)
  })
})
