import { describe, expect, it } from 'vitest'
import { demoRollout } from '../api/test-objects.ts'
import type { ReplicaSet, Rollout, RolloutStatus } from '../api/types.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { abort, analysisAbort, promote, retry, undoTemplate } from './argo-verbs.ts'

const CANARY: RolloutStatus = { stableRS: 'blue', currentPodHash: 'green', currentStepIndex: 1 }
const at = (status: RolloutStatus, paused = false): Rollout => {
  const r = demoRollout()
  return { ...r, spec: { ...r.spec, paused }, status }
}

describe('promote', () => {
  it.each([
    {
      name: 'leaves a pause step',
      r: at({ ...CANARY, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }], controllerPause: true }),
      full: false,
      want: { pauseConditions: [], currentStepIndex: 1 },
    },
    { name: 'skips a step it is not paused in', r: at(CANARY), full: false, want: { currentStepIndex: 2 } },
    {
      name: '--full skips every step',
      r: at({ ...CANARY, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] }),
      full: true,
      want: { promoteFull: true },
    },
  ])('$name', ({ r, full, want }) => {
    expect(promote(r, full).status).toMatchObject(want)
  })

  it('promotes a blueGreen preview that is not paused yet', () => {
    const r = at(CANARY)
    r.spec.strategy = { blueGreen: { activeService: 'active' } }
    expect(promote(r, false).status?.promoteFull).toBe(true)
  })

  it('refuses to promote a blueGreen preview its prePromotionAnalysis has not judged yet; --full skips it', () => {
    const r = at(CANARY)
    r.spec.strategy = {
      blueGreen: { activeService: 'active', prePromotionAnalysis: { templates: [{ templateName: 't' }] } },
    }
    const err = thrownBatonError(() => promote(r, false))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.hint).toContain('promote --full')
    expect(promote(r, true).status?.promoteFull).toBe(true)
  })

  it('clears spec.paused instead of the status when the Rollout is paused', () => {
    expect(promote(at(CANARY, true), false)).toEqual({ unpause: true, message: "rollout 'rollouts-demo' promoted" })
  })

  it.each([
    {
      name: 'no canary running',
      r: at({ stableRS: 'blue', currentPodHash: 'blue', currentStepIndex: 6 }),
      says: 'not running a canary',
    },
    { name: 'an aborted rollout', r: at({ ...CANARY, abort: true }), says: 'retry' },
  ])('refuses $name', ({ r, says }) => {
    const err = thrownBatonError(() => promote(r, false))
    expect(`${err.message} ${err.hint}`).toContain(says)
  })
})

describe('abort and retry', () => {
  it('abort sets status.abort', () => {
    expect(abort(at(CANARY)).status?.abort).toBe(true)
  })
  it('abort refuses with no canary', () => {
    expect(thrownBatonError(() => abort(at({ stableRS: 'blue', currentPodHash: 'blue' }))).code).toBe('BATON_INVALID')
  })
  it('retry clears the abort and restarts the steps', () => {
    const st = retry(at({ ...CANARY, abort: true, abortedAt: 't', message: 'RolloutAborted' })).status!
    expect(st).toMatchObject({ currentStepIndex: 0 })
    expect(st.abort).toBeUndefined()
    expect(st.abortedAt).toBeUndefined()
  })
  it("retry forgets a blueGreen's promotion runs: new ones judge the revision again", () => {
    const bg = { prePromotionAnalysisRunStatus: { name: 'web-1-2-pre', status: 'Failed' as const } }
    expect(retry(at({ ...CANARY, abort: true, blueGreen: bg })).status?.blueGreen).toBeUndefined()
  })
  it('retry refuses a rollout that is not aborted', () => {
    expect(thrownBatonError(() => retry(at(CANARY))).code).toBe('BATON_INVALID')
  })
})

describe('undoTemplate', () => {
  const rs = (hash: string, revision: number, image: string): ReplicaSet => {
    const t = structuredClone(demoRollout().spec.template)
    t.spec.containers[0]!.image = image
    t.metadata = { labels: { ...t.metadata?.labels, 'rollouts-pod-template-hash': hash, 'pod-template-hash': hash } }
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `demo-${hash}`,
        labels: { 'rollouts-pod-template-hash': hash },
        annotations: { 'rollout.argoproj.io/revision': String(revision) },
      },
      spec: { selector: {}, template: t },
    }
  }
  const sets = [rs('a', 1, 'demo:v1'), rs('b', 2, 'demo:v2'), rs('c', 3, 'demo:v3')]

  it.each([
    { name: 'the previous revision', to: 0, image: 'demo:v2' },
    { name: 'a named revision', to: 1, image: 'demo:v1' },
  ])('goes back to $name, without the hash labels', ({ to, image }) => {
    const t = undoTemplate(at({ currentPodHash: 'c', stableRS: 'c' }), sets, to)
    expect(t.spec.containers[0]!.image).toBe(image)
    expect(t.metadata?.labels).toEqual({ app: 'rollouts-demo' })
  })

  it('names the revisions when the one asked for is missing', () => {
    const err = thrownBatonError(() => undoTemplate(at({ currentPodHash: 'c' }), sets, 7))
    expect(err.code).toBe('BATON_NOT_FOUND')
    expect(err.hint).toContain('1, 2, 3')
  })
})

describe('analysisAbort: an abort by the analysis, told apart from a user abort', () => {
  const aborted = (status: RolloutStatus): Rollout => ({ ...demoRollout(), status: { abort: true, ...status } })
  it.each([
    {
      name: 'a user abort',
      status: { message: 'RolloutAborted: Rollout aborted update to revision 2' },
      want: undefined,
    },
    {
      name: 'a failed step run',
      status: {
        canary: {
          currentStepAnalysisRunStatus: {
            name: 'web-1-2-1',
            status: 'Failed' as const,
            message: 'Metric "e" assessed Failed',
          },
        },
      },
      want: `analysis run 'web-1-2-1' Failed: Metric "e" assessed Failed`,
    },
    {
      name: 'a background run in Error',
      status: { canary: { currentBackgroundAnalysisRunStatus: { name: 'web-1-2', status: 'Error' as const } } },
      want: "analysis run 'web-1-2' Error",
    },
    {
      name: 'a failed post-promotion run (blueGreen)',
      status: { blueGreen: { postPromotionAnalysisRunStatus: { name: 'web-1-2-post', status: 'Failed' as const } } },
      want: "analysis run 'web-1-2-post' Failed",
    },
    {
      name: 'a pre-promotion run in Error (blueGreen)',
      status: { blueGreen: { prePromotionAnalysisRunStatus: { name: 'web-1-2-pre', status: 'Error' as const } } },
      want: "analysis run 'web-1-2-pre' Error",
    },
    {
      name: 'a missing template',
      status: {
        message: 'RolloutAborted: spec.strategy.canary.steps[1].analysis: AnalysisTemplate "errors" not found',
      },
      want: 'spec.strategy.canary.steps[1].analysis: AnalysisTemplate "errors" not found',
    },
  ])('$name', ({ status, want }) => {
    expect(analysisAbort(aborted(status))).toBe(want)
  })
})
