import { describe, expect, it } from 'vitest'
import { demoRollout } from '../../api/test-objects.ts'
import { applyDefaults } from '../../api/defaults.ts'
import type {
  AnalysisPhase,
  AnalysisRun,
  AnalysisTemplate,
  ReplicaSet,
  Rollout,
  RolloutBlueGreenStrategy,
  RolloutCanaryStrategy,
  RolloutStatus,
  Service,
} from '../../api/types.ts'
import { computeHash } from '../../rollout/template-hash.ts'
import type { RolloutAction } from './actions.ts'
import { ROLLOUT_HASH_LABEL, planRollout } from './plan.ts'
import { replicasForWeight, setWeightAt } from './steps.ts'

const T0 = Date.parse('2026-12-03T12:00:00Z')

function rollout(
  canary: RolloutCanaryStrategy | { blueGreen: RolloutBlueGreenStrategy },
  image = 'demo:blue',
  status?: RolloutStatus,
): Rollout {
  const r = applyDefaults(demoRollout())
  r.metadata = { ...r.metadata, namespace: 'default', uid: 'ro-uid', generation: 1 }
  r.spec.strategy = 'blueGreen' in canary ? canary : { canary }
  r.spec.template.spec.containers[0]!.image = image
  return status ? { ...r, status } : r
}

/** A world the planner's writes are applied to; every pod a ReplicaSet asks for becomes available at once. */
class World {
  r: Rollout
  sets: ReplicaSet[] = []
  services: Service[] = []
  templates: AnalysisTemplate[] = []
  runs: AnalysisRun[] = []
  now = T0
  log: RolloutAction[][] = []
  /** Canary weight after each sync. */
  weights: number[] = []
  /** Pods asked for in all after each sync. */
  totals: number[] = []

  constructor(r: Rollout) {
    this.r = r
  }

  sync(ready = true): RolloutAction[] {
    const actions = planRollout(
      {
        rollout: this.r,
        replicaSets: this.sets,
        services: this.services,
        analysisTemplates: this.templates,
        analysisRuns: this.runs,
      },
      this.now,
    )
    for (const a of actions) {
      if (a.type === 'createAnalysisRun') this.runs.push(structuredClone(a.run))
      if (a.type === 'terminateAnalysisRun') this.runs.find((x) => x.metadata.name === a.name)!.spec.terminate = true
      if (a.type === 'createReplicaSet') this.sets.push(structuredClone(a.replicaSet))
      if (a.type === 'scaleReplicaSet') {
        const rs = this.sets.find((x) => x.metadata.name === a.name)!
        rs.spec.replicas = a.replicas
      }
      if (a.type === 'annotateReplicaSet') {
        const rs = this.sets.find((x) => x.metadata.name === a.name)!
        rs.metadata.annotations = { ...rs.metadata.annotations, ...a.annotations }
      }
      if (a.type === 'updateStatus') this.r = { ...this.r, status: a.status }
      if (a.type === 'setServiceSelector') {
        const svc = this.services.find((s) => s.metadata.name === a.service)!
        svc.spec.selector = a.selector
      }
    }
    if (ready)
      for (const rs of this.sets)
        rs.status = {
          replicas: rs.spec.replicas ?? 0,
          readyReplicas: rs.spec.replicas,
          availableReplicas: rs.spec.replicas,
        }
    this.log.push(actions)
    this.totals.push(this.sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0))
    this.weights.push(this.r.status?.canary?.weights?.canary.weight ?? -1)
    return actions
  }

  /** Syncs until two syncs in a row write nothing (pods become available after each one). */
  settle(): void {
    let quiet = 0
    for (let i = 0; i < 30 && quiet < 2; i++) {
      quiet = this.sync().every((a) => a.type === 'event' || a.type === 'requeue') ? quiet + 1 : 0
    }
  }

  setImage(image: string): void {
    const template = structuredClone(this.r.spec.template)
    template.spec.containers[0]!.image = image
    this.r = { ...this.r, spec: { ...this.r.spec, template }, metadata: { ...this.r.metadata, generation: 2 } }
  }

  promote(): void {
    this.r = { ...this.r, status: { ...this.r.status, pauseConditions: [] } }
  }

  /** The analysis controller's verdict on a run. */
  judge(name: string, phase: AnalysisPhase, message?: string): void {
    const run = this.runs.find((x) => x.metadata.name === name)!
    run.status = { phase, ...(message ? { message } : {}) }
  }

  replicas(image: string): number {
    const rs = this.sets.find((x) => x.spec.template.spec.containers[0]!.image === image)
    return rs?.spec.replicas ?? 0
  }
}

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: { duration: 10 } }, { setWeight: 60 }]

/** A Service named `name` selecting the rollout's pods. */
const svc = (name: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { selector: { app: 'rollouts-demo' }, ports: [{ port: 80 }] },
})

type BlueGreen = Omit<RolloutBlueGreenStrategy, 'activeService' | 'previewService'>

/** A blueGreen rollout with its active and preview Services (and `templates`), settled. */
function blueGreenWorld(bg: BlueGreen, templates?: AnalysisTemplate[]): World {
  const w = new World(rollout({ blueGreen: { activeService: 'active', previewService: 'preview', ...bg } }))
  w.services = [svc('active'), svc('preview')]
  if (templates) w.templates = templates
  w.settle()
  return w
}

describe('step arithmetic (Argo GetCurrentSetWeight, trafficWeightToReplicas)', () => {
  it.each([
    { name: 'before the first setWeight', steps: [{ pause: {} }, { setWeight: 10 }], index: 0, want: 0 },
    { name: 'at a setWeight', steps: STEPS, index: 0, want: 20 },
    { name: 'at a pause after setWeight 20', steps: STEPS, index: 1, want: 20 },
    { name: 'past the last step', steps: STEPS, index: 5, want: 100 },
    { name: 'no steps', steps: [], index: 0, want: 100 },
  ])('setWeightAt $name = $want', ({ steps, index, want }) => {
    expect(setWeightAt(steps, index)).toBe(want)
  })
  it.each([
    { replicas: 5, weight: 20, want: 1 },
    { replicas: 5, weight: 10, want: 1 },
    { replicas: 4, weight: 25, want: 1 },
    { replicas: 4, weight: 50, want: 2 },
    { replicas: 3, weight: 0, want: 0 },
    { replicas: 10, weight: 100, want: 10 },
  ])('replicasForWeight($replicas, $weight) = $want', ({ replicas, weight, want }) => {
    expect(replicasForWeight(replicas, weight)).toBe(want)
  })
})

describe('planRollout', () => {
  it('first apply: the template becomes stable at full size, steps skipped, weight 0, Healthy', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    expect(w.sets).toHaveLength(1)
    expect(w.replicas('demo:blue')).toBe(5)
    const st = w.r.status!
    expect(st.stableRS).toBe(computeHash(w.r.spec.template))
    expect(st.currentStepIndex).toBe(STEPS.length)
    expect(st.phase).toBe('Healthy')
    expect(st.canary?.weights?.canary.weight).toBe(0)
  })

  it('runs setWeight and pause steps: the weight moves only once the canary pods for it are available', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    w.setImage('demo:green')
    w.sync(false) // canary created and scaled to 1, not yet available
    expect(w.replicas('demo:green')).toBe(1)
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
    expect(w.r.status?.phase).toBe('Progressing')
    w.settle()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(20)
    expect(w.r.status?.canary?.weights?.stable.weight).toBe(80)
    expect(w.r.status?.currentStepIndex).toBe(1)
    expect(w.r.status?.phase).toBe('Paused')
    expect(w.r.status?.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep')
    expect(w.replicas('demo:blue')).toBe(5)

    w.promote()
    w.settle()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(40)
    expect(w.replicas('demo:green')).toBe(2)
    expect(w.r.status?.currentStepIndex).toBe(3)
    const timed = w.sync()
    expect(timed).toContainEqual({ type: 'requeue', afterMs: 10_000 })

    w.now += 10_000
    w.settle()
    expect(w.r.status?.stableRS).toBe(computeHash(w.r.spec.template))
    expect(w.replicas('demo:green')).toBe(5)
    expect(w.replicas('demo:blue')).toBe(0)
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
    // Every weight the load balancer was given, in order: never a step back, never a jump past a step.
    expect(w.weights.filter((x, i) => x !== w.weights[i - 1])).toEqual([0, 20, 40, 60, 0])
  })

  it('a timed pause whose condition has an unreadable startTime runs its full length from when it is seen', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    w.promote()
    w.settle()
    expect(w.r.status?.currentStepIndex).toBe(3)
    // A client wrote the condition back with a time that does not parse: read as the epoch, it ended the pause at once.
    const [pause] = w.r.status?.pauseConditions ?? []
    w.r = { ...w.r, status: { ...w.r.status, pauseConditions: [{ reason: pause!.reason, startTime: '' }] } }
    w.now += 4000
    expect(w.sync()).toContainEqual({ type: 'requeue', afterMs: 10_000 })
    expect(w.r.status?.currentStepIndex).toBe(3)
    expect(w.r.status?.pauseConditions?.[0]?.startTime).not.toBe('')
    w.now += 10_000
    w.settle()
    expect(w.r.status?.currentStepIndex).toBeGreaterThan(3)
  })

  it('abort sends all traffic to stable at once and scales the canary down after abortScaleDownDelaySeconds', () => {
    const w = new World(rollout({ steps: STEPS, abortScaleDownDelaySeconds: 5 }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(20)
    w.r = { ...w.r, status: { ...w.r.status, abort: true } }
    const actions = w.sync()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.message).toContain('RolloutAborted')
    expect(w.replicas('demo:green')).toBe(1)
    expect(actions).toContainEqual({ type: 'requeue', afterMs: 5000 })
    w.now += 5000
    w.sync()
    expect(w.replicas('demo:green')).toBe(0)
    expect(w.replicas('demo:blue')).toBe(5)
  })

  it('abortScaleDownDelaySeconds 0 keeps the aborted canary up', () => {
    const w = new World(rollout({ steps: STEPS, abortScaleDownDelaySeconds: 0 }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    w.r = { ...w.r, status: { ...w.r.status, abort: true } }
    w.now += 3_600_000
    w.settle()
    expect(w.replicas('demo:green')).toBe(1)
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
  })

  it('promote --full skips the remaining steps', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    w.r = { ...w.r, status: { ...w.r.status, promoteFull: true } }
    w.settle()
    expect(w.replicas('demo:green')).toBe(5)
    expect(w.replicas('demo:blue')).toBe(0)
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.r.status?.promoteFull).toBeUndefined()
  })

  it('spec.paused holds the steps', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    w.setImage('demo:green')
    w.r = { ...w.r, spec: { ...w.r.spec, paused: true } }
    w.settle()
    expect(w.r.status?.currentStepIndex).toBe(0)
    expect(w.r.status?.phase).toBe('Paused')
  })

  it('dynamicStableScale shrinks the stable to the share it still gets, after the weight moved', () => {
    const w = new World(
      rollout({ steps: [{ setWeight: 40 }, { pause: {} }], dynamicStableScale: true, maxSurge: 1, maxUnavailable: 0 }),
    )
    w.settle()
    w.setImage('demo:green')
    w.sync()
    // Within replicas + maxSurge pods: one canary first, the stable still at 5.
    expect([w.replicas('demo:green'), w.replicas('demo:blue')]).toEqual([1, 5])
    w.settle()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(40)
    expect([w.replicas('demo:green'), w.replicas('demo:blue')]).toEqual([2, 3])
    // Pods become available as soon as asked for here, so the pods asked for bound both ways:
    // never more than 6 (maxSurge 1), never fewer than 5 (maxUnavailable 0).
    expect(Math.max(...w.totals)).toBe(6)
    expect(Math.min(...w.totals)).toBe(5)
  })

  it('points canaryService and stableService at their revisions', () => {
    const w = new World(rollout({ steps: STEPS, canaryService: 'demo-canary', stableService: 'demo-stable' }))
    w.services = [svc('demo-canary'), svc('demo-stable')]
    w.settle()
    const blue = computeHash(w.r.spec.template)
    w.setImage('demo:green')
    w.settle()
    const green = computeHash(w.r.spec.template)
    expect(w.services.map((s) => s.spec.selector?.[ROLLOUT_HASH_LABEL])).toEqual([green, blue])
    expect(w.services[0]!.spec.selector?.app).toBe('rollouts-demo')
  })

  it('undo to the previous template raises that ReplicaSet to the next revision', () => {
    const w = new World(rollout({ steps: [{ setWeight: 50 }] }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    w.setImage('demo:blue')
    const actions = w.sync()
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'annotateReplicaSet', annotations: { 'rollout.argoproj.io/revision': '3' } }),
    )
  })

  it('writes no status when nothing changed', () => {
    const w = new World(rollout({ steps: STEPS }))
    w.settle()
    expect(w.sync().filter((a) => a.type !== 'event')).toEqual([])
  })
})

describe('planRollout, blueGreen', () => {
  const world = (bg: BlueGreen) => blueGreenWorld(bg)
  const selectors = (w: World) => w.services.map((s) => s.spec.selector?.[ROLLOUT_HASH_LABEL])

  it('previews at previewReplicaCount, waits for promote, scales up, switches active, keeps the old warm for scaleDownDelaySeconds', () => {
    const w = world({ autoPromotionEnabled: false, previewReplicaCount: 1, scaleDownDelaySeconds: 20 })
    const blue = computeHash(w.r.spec.template)
    expect(w.r.status?.phase).toBe('Healthy')
    w.setImage('demo:green')
    w.settle()
    const green = computeHash(w.r.spec.template)
    expect([w.replicas('demo:green'), w.replicas('demo:blue')]).toEqual([1, 5])
    expect(w.r.status?.phase).toBe('Paused')
    expect(w.r.status?.message).toBe('BlueGreenPause')
    expect(selectors(w)).toEqual([blue, green])
    w.promote()
    w.settle()
    expect(w.r.status?.stableRS).toBe(green)
    expect(selectors(w)).toEqual([green, green])
    expect([w.replicas('demo:green'), w.replicas('demo:blue')]).toEqual([5, 5])
    expect(w.r.status?.phase).toBe('Healthy')
    w.now += 20_000
    w.settle()
    expect(w.replicas('demo:blue')).toBe(0)
  })

  it('promotes as soon as the preview is available by default', () => {
    const w = world({})
    w.setImage('demo:green')
    w.settle()
    expect(w.r.status?.stableRS).toBe(computeHash(w.r.spec.template))
    expect(w.weights).not.toContain(-1)
  })

  it('autoPromotionSeconds promotes after that long', () => {
    const w = world({ autoPromotionSeconds: 10 })
    w.setImage('demo:green')
    w.settle()
    expect(w.r.status?.phase).toBe('Paused')
    expect(w.sync()).toContainEqual({ type: 'requeue', afterMs: 10_000 })
    w.now += 10_000
    w.settle()
    expect(w.r.status?.stableRS).toBe(computeHash(w.r.spec.template))
  })

  it('abort keeps the active Service on the old revision and scales the preview down after the delay', () => {
    const w = world({ autoPromotionEnabled: false, abortScaleDownDelaySeconds: 5 })
    const blue = computeHash(w.r.spec.template)
    w.setImage('demo:green')
    w.settle()
    w.r = { ...w.r, status: { ...w.r.status, abort: true } }
    w.settle()
    expect(w.r.status?.phase).toBe('Degraded')
    expect(selectors(w)[0]).toBe(blue)
    expect(w.replicas('demo:green')).toBe(5)
    w.now += 5000
    w.settle()
    expect(w.replicas('demo:green')).toBe(0)
  })

  it('undo inside the warm window switches back without scaling the old revision down', () => {
    const w = world({ scaleDownDelaySeconds: 60 })
    w.setImage('demo:green')
    w.settle()
    w.setImage('demo:blue')
    w.settle()
    expect(w.r.status?.stableRS).toBe(computeHash(w.r.spec.template))
    w.now += 60_000
    w.settle()
    expect([w.replicas('demo:blue'), w.replicas('demo:green')]).toEqual([5, 0])
  })
})

describe('planRollout, canary analysis (Argo rollout/analysis.go)', () => {
  const errorsTemplate: AnalysisTemplate = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'errors', namespace: 'default' },
    spec: {
      args: [{ name: 'hash' }],
      metrics: [
        {
          name: 'error-ratio',
          successCondition: 'result < 0.05',
          provider: { web: { url: 'http://127.0.0.1:1/{{args.hash}}' } },
        },
      ],
    },
  }
  const STEPS_WITH_ANALYSIS = [
    { setWeight: 10 },
    {
      analysis: {
        templates: [{ templateName: 'errors' }],
        args: [{ name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' as const } }],
      },
    },
    { setWeight: 50 },
  ]
  function canaryWorld(canary: RolloutCanaryStrategy): World {
    const w = new World(rollout(canary))
    w.templates = [errorsTemplate]
    w.settle()
    w.setImage('demo:green')
    w.settle()
    return w
  }
  const green = (w: World) => computeHash(w.r.spec.template)

  it('an analysis step makes a run from its template, args resolved, and waits for its verdict', () => {
    const w = canaryWorld({ steps: STEPS_WITH_ANALYSIS })
    expect(w.runs.map((x) => x.metadata.name)).toEqual([`rollouts-demo-${green(w)}-2-1`])
    const run = w.runs[0]!
    expect(run.metadata.labels).toMatchObject({
      'rollout-type': 'Step',
      'step-index': '1',
      [ROLLOUT_HASH_LABEL]: green(w),
    })
    expect(run.spec.metrics[0]!.provider.web!.url).toBe(`http://127.0.0.1:1/${green(w)}`)
    expect(run.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Rollout', uid: 'ro-uid', controller: true })
    expect(w.r.status?.currentStepIndex).toBe(1)
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(10)
    expect(w.r.status?.canary?.currentStepAnalysisRunStatus).toEqual({ name: run.metadata.name, status: 'Pending' })
    w.judge(run.metadata.name, 'Successful')
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.r.status?.stableRS).toBe(green(w))
    expect(w.r.status?.canary?.currentStepAnalysisRunStatus).toBeUndefined()
  })

  it("a template's Secret arg stays a reference in the run, its placeholder for the run to fill", () => {
    const token = { name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }
    const w = new World(rollout({ steps: STEPS_WITH_ANALYSIS }))
    const web = {
      url: 'http://127.0.0.1:1/{{args.hash}}',
      headers: [{ key: 'Authorization', value: '{{args.token}}' }],
    }
    w.templates = [
      {
        ...errorsTemplate,
        spec: { args: [{ name: 'hash' }, token], metrics: [{ ...errorsTemplate.spec.metrics[0]!, provider: { web } }] },
      },
    ]
    w.settle()
    w.setImage('demo:green')
    w.settle()
    const run = w.runs[0]!
    expect(run.spec.args).toEqual([{ name: 'hash', value: green(w) }, token])
    expect(run.spec.metrics[0]!.provider.web).toEqual({ ...web, url: `http://127.0.0.1:1/${green(w)}` })
  })

  it('a failed analysis aborts: all traffic back to stable, Degraded with the reason', () => {
    const w = canaryWorld({ steps: STEPS_WITH_ANALYSIS, abortScaleDownDelaySeconds: 0 })
    const name = w.runs[0]!.metadata.name
    w.judge(name, 'Failed', 'Metric "error-ratio" assessed Failed due to failed (1) > failureLimit (0)')
    const actions = w.sync()
    expect(w.r.status?.abort).toBe(true)
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.message).toBe(
      `RolloutAborted: analysis run '${name}' Failed: Metric "error-ratio" assessed Failed due to failed (1) > failureLimit (0)`,
    )
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'event', eventType: 'Warning', reason: 'RolloutAborted' }),
    )
  })

  it('an Inconclusive run pauses until promoted, then the steps go on', () => {
    const w = canaryWorld({ steps: STEPS_WITH_ANALYSIS })
    w.judge(w.runs[0]!.metadata.name, 'Inconclusive')
    w.settle()
    expect(w.r.status?.phase).toBe('Paused')
    expect(w.r.status?.pauseConditions?.map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun'])
    w.promote()
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
  })

  it('a missing template aborts with a message naming it', () => {
    const w = new World(rollout({ steps: STEPS_WITH_ANALYSIS }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.message).toContain('spec.strategy.canary.steps[1].analysis: AnalysisTemplate "errors" not found')
    expect(w.runs).toHaveLength(0)
  })

  it("an arg from the Rollout's fields: resolved into the run, or an abort naming a path that leads nowhere", () => {
    const withField = (fieldPath: string) => [
      { setWeight: 10 },
      {
        analysis: {
          templates: [{ templateName: 'errors' }],
          args: [{ name: 'hash', valueFrom: { fieldRef: { fieldPath } } }],
        },
      },
    ]
    const good = canaryWorld({ steps: withField('spec.strategy.canary.steps[0].setWeight') })
    expect(good.runs[0]!.spec.metrics[0]!.provider.web!.url).toBe('http://127.0.0.1:1/10')
    const bad = canaryWorld({ steps: withField('spec.strategy.canary.nope') })
    expect(bad.r.status?.phase).toBe('Degraded')
    expect(bad.r.status?.message).toContain(
      'spec.strategy.canary.steps[1].analysis: args.hash: valueFrom.fieldRef: invalid path spec.strategy.canary.nope in rollout',
    )
    expect(bad.runs).toHaveLength(0)
  })

  it('background analysis runs from startingStep, aborts on failure, and is terminated at promotion', () => {
    const background = {
      templates: [{ templateName: 'errors' }],
      args: [{ name: 'hash', value: 'x' }],
      startingStep: 1,
    }
    const steps = [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }]
    const w = canaryWorld({ steps, analysis: background })
    const name = `rollouts-demo-${green(w)}-2`
    expect(w.runs.map((x) => x.metadata.name)).toEqual([name])
    expect(w.runs[0]!.metadata.labels?.['rollout-type']).toBe('Background')
    w.promote()
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.runs[0]!.spec.terminate).toBe(true)

    const v = canaryWorld({ steps, analysis: background })
    v.judge(
      v.runs[0]!.metadata.name,
      'Error',
      'Metric "error-ratio" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)',
    )
    v.settle()
    expect(v.r.status?.phase).toBe('Degraded')
    expect(v.r.status?.canary?.weights?.canary.weight).toBe(0)
  })

  it('a retry after a failed analysis makes a new run (.1), as Argo counts collisions', () => {
    const w = canaryWorld({ steps: STEPS_WITH_ANALYSIS })
    const first = w.runs[0]!.metadata.name
    w.judge(first, 'Failed')
    w.settle()
    const st = structuredClone(w.r.status!)
    delete st.abort
    delete st.abortedAt
    delete st.canary!.currentStepAnalysisRunStatus
    st.currentStepIndex = 0
    w.r = { ...w.r, status: st }
    w.settle()
    expect(w.runs.map((x) => x.metadata.name)).toEqual([first, `${first}.1`])
    expect(w.r.status?.phase).toBe('Progressing')
  })
})

describe('planRollout, blueGreen promotion analysis (Argo prePromotionAnalysis / postPromotionAnalysis)', () => {
  const check: AnalysisTemplate = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'check', namespace: 'default' },
    spec: {
      metrics: [{ name: 'ok', successCondition: 'result == true', provider: { web: { url: 'http://127.0.0.1:1/' } } }],
    },
  }
  const ref = { templates: [{ templateName: 'check' }] }
  function world(bg: BlueGreen): World {
    const w = blueGreenWorld(bg, [check])
    w.setImage('demo:green')
    w.settle()
    return w
  }
  const active = (w: World) => w.services[0]!.spec.selector?.[ROLLOUT_HASH_LABEL]
  const hashOf = (w: World, image: string) => {
    const r = structuredClone(w.r)
    r.spec.template.spec.containers[0]!.image = image
    return computeHash(r.spec.template)
  }

  it.each([
    {
      name: 'pre: Successful → the switch',
      pre: 'Successful' as const,
      expected: { phase: 'Healthy', active: 'demo:green', stable: 'demo:green' },
    },
    {
      name: 'pre: Failed → abort, the active Service never moved',
      pre: 'Failed' as const,
      expected: { phase: 'Degraded', active: 'demo:blue', stable: 'demo:blue' },
    },
    {
      name: 'pre: Error → abort as well',
      pre: 'Error' as const,
      expected: { phase: 'Degraded', active: 'demo:blue', stable: 'demo:blue' },
    },
    {
      name: 'pre: Inconclusive → paused, the active Service on the old revision',
      pre: 'Inconclusive' as const,
      expected: { phase: 'Paused', active: 'demo:blue', stable: 'demo:blue' },
    },
  ])('$name', ({ pre, expected }) => {
    const w = world({ prePromotionAnalysis: ref })
    // The preview is available and judged; promotion waits for the verdict.
    const run = w.runs[0]!
    expect(run.metadata.name).toBe(`rollouts-demo-${hashOf(w, 'demo:green')}-2-pre`)
    expect(run.metadata.labels?.['rollout-type']).toBe('PrePromotion')
    expect(active(w)).toBe(hashOf(w, 'demo:blue'))
    expect(w.r.status?.stableRS).toBe(hashOf(w, 'demo:blue'))
    w.judge(run.metadata.name, pre)
    w.settle()
    expect({
      phase: w.r.status?.phase,
      active: active(w) === hashOf(w, 'demo:green') ? 'demo:green' : 'demo:blue',
      stable: w.r.status?.stableRS === hashOf(w, 'demo:green') ? 'demo:green' : 'demo:blue',
    }).toEqual(expected)
    expect(w.r.status?.blueGreen?.prePromotionAnalysisRunStatus?.status).toBe(pre)
  })

  it('pre: promote past an Inconclusive run switches', () => {
    const w = world({ prePromotionAnalysis: ref, autoPromotionEnabled: false })
    w.judge(w.runs[0]!.metadata.name, 'Inconclusive')
    w.settle()
    expect(w.r.status?.pauseConditions?.map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun'])
    w.promote()
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
    expect(active(w)).toBe(hashOf(w, 'demo:green'))
  })

  it('pre with autoPromotionEnabled false: a passed analysis still waits for promote', () => {
    const w = world({ prePromotionAnalysis: ref, autoPromotionEnabled: false })
    w.judge(w.runs[0]!.metadata.name, 'Successful')
    w.settle()
    expect(w.r.status?.message).toBe('BlueGreenPause')
    expect(active(w)).toBe(hashOf(w, 'demo:blue'))
    w.promote()
    w.settle()
    expect(active(w)).toBe(hashOf(w, 'demo:green'))
  })

  it('post: the switch happens first, the previous revision stays stable at full size until the run passes', () => {
    const w = world({ postPromotionAnalysis: ref, scaleDownDelaySeconds: 10 })
    const run = w.runs[0]!
    expect(run.metadata.name).toBe(`rollouts-demo-${hashOf(w, 'demo:green')}-2-post`)
    expect(run.metadata.labels?.['rollout-type']).toBe('PostPromotion')
    expect(active(w)).toBe(hashOf(w, 'demo:green'))
    expect(w.r.status?.stableRS).toBe(hashOf(w, 'demo:blue'))
    expect(w.r.status?.blueGreen?.activeSelector).toBe(hashOf(w, 'demo:green'))
    expect(w.r.status?.canary?.weights?.stable.podTemplateHash).toBe(hashOf(w, 'demo:green'))
    expect(w.r.status?.phase).toBe('Progressing')
    expect([w.replicas('demo:green'), w.replicas('demo:blue')]).toEqual([5, 5])
    w.judge(run.metadata.name, 'Successful')
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.r.status?.stableRS).toBe(hashOf(w, 'demo:green'))
    expect(w.r.status?.blueGreen?.activeSelector).toBeUndefined()
    w.now += 10_000
    w.settle()
    expect(w.replicas('demo:blue')).toBe(0)
  })

  it('post: a failed run switches the active Service back to the previous revision; Degraded with the reason', () => {
    const w = world({ postPromotionAnalysis: ref, abortScaleDownDelaySeconds: 5 })
    const name = w.runs[0]!.metadata.name
    w.judge(name, 'Failed', 'Metric "ok" assessed Failed due to failed (1) > failureLimit (0)')
    w.settle()
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.message).toBe(
      `RolloutAborted: analysis run '${name}' Failed: Metric "ok" assessed Failed due to failed (1) > failureLimit (0)`,
    )
    expect(active(w)).toBe(hashOf(w, 'demo:blue'))
    expect(w.r.status?.stableRS).toBe(hashOf(w, 'demo:blue'))
    expect(w.r.status?.canary?.weights?.stable.podTemplateHash).toBe(hashOf(w, 'demo:blue'))
    expect(w.replicas('demo:blue')).toBe(5)
    w.now += 5000
    w.settle()
    expect(w.replicas('demo:green')).toBe(0)
  })

  it('a missing template aborts with a message naming the field', () => {
    const w = new World(
      rollout({
        blueGreen: { activeService: 'active', prePromotionAnalysis: { templates: [{ templateName: 'nope' }] } },
      }),
    )
    w.services = [svc('active')]
    w.settle()
    w.setImage('demo:green')
    w.settle()
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.message).toContain(
      'spec.strategy.blueGreen.prePromotionAnalysis: AnalysisTemplate "nope" not found',
    )
  })
})

describe('planRollout, setHeaderRoute (Argo canary step)', () => {
  const beta = { name: 'beta', match: [{ headerName: 'X-User', headerValue: { exact: 'beta' } }] }
  const steps = [
    { setWeight: 10 },
    { setHeaderRoute: beta },
    { pause: {} },
    { setHeaderRoute: { name: 'beta' } },
    { pause: {} },
  ]

  function canaryWorld(s: RolloutCanaryStrategy['steps']): World {
    const w = new World(rollout({ steps: s }))
    w.settle()
    w.setImage('demo:green')
    w.settle()
    return w
  }

  it('sets the route at its step, keeps it while paused, removes it at a step without match', () => {
    const w = canaryWorld(steps)
    expect(w.r.status?.currentStepIndex).toBe(2)
    expect(w.r.status?.canary?.headerRoutes).toEqual([beta])
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(10)
    w.promote()
    w.settle()
    expect(w.r.status?.currentStepIndex).toBe(4)
    expect(w.r.status?.canary?.headerRoutes).toBeUndefined()
  })

  it('a header route keeps one canary pod up at weight 0, so requests that match have one to reach', () => {
    const w = canaryWorld([{ setWeight: 0 }, { pause: {} }, { setHeaderRoute: beta }, { pause: {} }])
    expect(w.replicas('demo:green')).toBe(0)
    w.promote()
    w.settle()
    expect(w.r.status?.canary?.weights?.canary.weight).toBe(0)
    expect(w.replicas('demo:green')).toBe(1)
  })

  it('a route of the same name is replaced, not added', () => {
    const other = { name: 'beta', match: [{ headerName: 'X-User', headerValue: { prefix: 'b' } }] }
    const w = canaryWorld([{ setHeaderRoute: beta }, { setHeaderRoute: other }, { pause: {} }])
    expect(w.r.status?.canary?.headerRoutes).toEqual([other])
  })

  it('removed at the end of the rollout', () => {
    const w = canaryWorld([{ setHeaderRoute: beta }, { pause: {} }])
    expect(w.r.status?.canary?.headerRoutes).toEqual([beta])
    w.promote()
    w.settle()
    expect(w.r.status?.phase).toBe('Healthy')
    expect(w.r.status?.canary?.headerRoutes).toBeUndefined()
  })

  it('removed by an abort', () => {
    const w = canaryWorld([{ setHeaderRoute: beta }, { pause: {} }])
    w.r = { ...w.r, status: { ...w.r.status, abort: true } }
    w.settle()
    expect(w.r.status?.phase).toBe('Degraded')
    expect(w.r.status?.canary?.headerRoutes).toBeUndefined()
  })

  it('a new template starts without the old routes', () => {
    const w = canaryWorld([{ setHeaderRoute: beta }, { pause: {} }])
    w.setImage('demo:yellow')
    w.sync()
    // The steps run again from the first: the route is set anew for the new canary.
    expect(w.r.status?.canary?.headerRoutes).toEqual([beta])
    expect(w.r.status?.canary?.weights?.canary.podTemplateHash).toBe(computeHash(w.r.spec.template))
  })
})
