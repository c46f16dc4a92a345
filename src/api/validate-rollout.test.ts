import { describe, expect, it } from 'vitest'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import { validateObject } from './validate.ts'
import { demoRollout, withChanges } from './test-objects.ts'
import type { Rollout } from './types.ts'

interface Case {
  name: string
  changes: Record<string, unknown>
  /** Every cause's field, in order. */
  fields: string[]
  says: string
}

const S = 'spec.strategy.canary'

const REFUSED: Case[] = [
  {
    name: 'a traffic router',
    changes: { [`${S}.trafficRouting`]: { nginx: { stableIngress: 'x' } } },
    fields: [`${S}.trafficRouting`],
    says: 'traffic router',
  },
  {
    name: 'canary analysis without a template',
    changes: { [`${S}.analysis`]: { templates: [] } },
    fields: [`${S}.analysis.templates`],
    says: 'Required value',
  },
  {
    name: 'an experiment step',
    changes: { [`${S}.steps`]: [{ experiment: { templates: [] } }] },
    fields: [`${S}.steps[0].experiment`],
    says: 'experiments',
  },
  {
    name: 'an analysis step without templates',
    changes: { [`${S}.steps`]: [{ analysis: {} }] },
    fields: [`${S}.steps[0].analysis.templates`],
    says: 'templates',
  },
  {
    name: 'setHeaderRoute with two kinds of value',
    changes: {
      [`${S}.steps`]: [
        { setHeaderRoute: { name: 'b', match: [{ headerName: 'X-U', headerValue: { exact: 'a', prefix: 'b' } }] } },
      ],
    },
    fields: [`${S}.steps[0].setHeaderRoute.match[0].headerValue`],
    says: 'exactly one of exact, prefix or regex',
  },
  {
    name: 'setHeaderRoute with a regex that does not compile',
    changes: {
      [`${S}.steps`]: [{ setHeaderRoute: { name: 'b', match: [{ headerName: 'X-U', headerValue: { regex: '(' } }] } }],
    },
    fields: [`${S}.steps[0].setHeaderRoute.match[0].headerValue.regex`],
    says: 'does not compile',
  },
  {
    name: 'setHeaderRoute with a header name that is not one',
    changes: {
      [`${S}.steps`]: [{ setHeaderRoute: { name: 'b', match: [{ headerName: 'X U', headerValue: { exact: 'a' } }] } }],
    },
    fields: [`${S}.steps[0].setHeaderRoute.match[0].headerName`],
    says: 'HTTP header name',
  },
  {
    name: 'setHeaderRoute without a name',
    changes: { [`${S}.steps`]: [{ setHeaderRoute: {} }] },
    fields: [`${S}.steps[0].setHeaderRoute.name`],
    says: 'Required',
  },
  {
    name: 'canary and blueGreen together',
    changes: { 'spec.strategy.blueGreen': { activeService: 'a' } },
    fields: ['spec.strategy'],
    says: 'exactly one',
  },
  {
    name: 'blueGreen without activeService',
    changes: { 'spec.strategy': { blueGreen: {} } },
    fields: ['spec.strategy.blueGreen.activeService'],
    says: 'Required',
  },
  {
    name: 'blueGreen prePromotionAnalysis without a template',
    changes: { 'spec.strategy': { blueGreen: { activeService: 'a', prePromotionAnalysis: { templates: [] } } } },
    fields: ['spec.strategy.blueGreen.prePromotionAnalysis.templates'],
    says: 'Required',
  },
  {
    name: 'blueGreen postPromotionAnalysis with a dry run',
    changes: {
      'spec.strategy': {
        blueGreen: { activeService: 'a', postPromotionAnalysis: { templates: [{ templateName: 't' }], dryRun: [] } },
      },
    },
    fields: ['spec.strategy.blueGreen.postPromotionAnalysis.dryRun'],
    says: 'dry-run',
  },
  {
    name: 'blueGreen preview = active',
    changes: { 'spec.strategy': { blueGreen: { activeService: 'a', previewService: 'a' } } },
    fields: ['spec.strategy.blueGreen.previewService'],
    says: 'differ',
  },
  {
    name: 'autoPromotionSeconds with autoPromotionEnabled false',
    changes: {
      'spec.strategy': { blueGreen: { activeService: 'a', autoPromotionEnabled: false, autoPromotionSeconds: 5 } },
    },
    fields: ['spec.strategy.blueGreen.autoPromotionSeconds'],
    says: 'autoPromotionEnabled',
  },
  {
    name: 'workloadRef',
    changes: { 'spec.workloadRef': { kind: 'Deployment', name: 'x' } },
    fields: ['spec.workloadRef'],
    says: 'pod template',
  },
  {
    name: 'an unknown field',
    changes: { [`${S}.canaryWeight`]: 3 },
    fields: [`${S}.canaryWeight`],
    says: 'unknown field',
  },
  {
    name: 'setWeight over 100',
    changes: { [`${S}.steps`]: [{ setWeight: 120 }] },
    fields: [`${S}.steps[0].setWeight`],
    says: 'between 0 and 100',
  },
  {
    name: 'two actions in one step',
    changes: { [`${S}.steps`]: [{ setWeight: 10, pause: {} }] },
    fields: [`${S}.steps[0]`],
    says: 'exactly one',
  },
  {
    name: 'a bad pause duration',
    changes: { [`${S}.steps`]: [{ pause: { duration: '1d' } }] },
    fields: [`${S}.steps[0].pause.duration`],
    says: 'duration',
  },
  {
    name: 'maxSurge and maxUnavailable both 0',
    changes: { [`${S}.dynamicStableScale`]: true, [`${S}.maxSurge`]: 0, [`${S}.maxUnavailable`]: 0 },
    fields: [`${S}.maxUnavailable`],
    says: 'may not be 0',
  },
  {
    name: 'maxSurge without dynamicStableScale',
    changes: { [`${S}.maxSurge`]: '25%' },
    fields: [`${S}.maxSurge`],
    says: 'dynamicStableScale',
  },
  {
    name: 'one Service for canary and stable',
    changes: { [`${S}.canaryService`]: 'a', [`${S}.stableService`]: 'a' },
    fields: [`${S}.stableService`],
    says: 'differ',
  },
  { name: 'no strategy', changes: { 'spec.strategy': undefined }, fields: ['spec.strategy'], says: 'Required' },
  {
    name: 'a negative abortScaleDownDelaySeconds',
    changes: { [`${S}.abortScaleDownDelaySeconds`]: -1 },
    fields: [`${S}.abortScaleDownDelaySeconds`],
    says: 'greater than or equal to 0',
  },
]

describe('Rollout validation', () => {
  it('accepts Argo rollouts-demo unchanged and defaults it', () => {
    const r = validateObject(demoRollout()) as Rollout
    expect(r.spec.replicas).toBe(5)
    expect(r.spec.progressDeadlineSeconds).toBe(600)
    expect(r.spec.template.spec.restartPolicy).toBe('Always')
  })

  it('accepts every supported canary field', () => {
    const r = withChanges(demoRollout(), {
      [`${S}.maxSurge`]: '25%',
      [`${S}.maxUnavailable`]: 0,
      [`${S}.canaryService`]: 'demo-canary',
      [`${S}.stableService`]: 'demo-stable',
      [`${S}.abortScaleDownDelaySeconds`]: 0,
      [`${S}.dynamicStableScale`]: true,
    })
    expect(() => validateObject(r)).not.toThrow()
  })

  it('accepts analysis steps and a background analysis (Argo canary analysis)', () => {
    const ref = {
      templates: [{ templateName: 'success-rate' }],
      args: [
        { name: 'service-name', value: 'demo' },
        { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        { name: 'weight', valueFrom: { fieldRef: { fieldPath: 'spec.strategy.canary.steps[0].setWeight' } } },
      ],
    }
    const r = withChanges(demoRollout(), {
      [`${S}.steps`]: [{ setWeight: 20 }, { analysis: ref }, { setWeight: 60 }],
      [`${S}.analysis`]: { ...ref, startingStep: 1 },
    })
    expect(() => validateObject(r)).not.toThrow()
  })

  it.each([
    {
      name: 'a startingStep past the steps',
      changes: { [`${S}.analysis`]: { templates: [{ templateName: 'a' }], startingStep: 99 } },
      field: `${S}.analysis.startingStep`,
    },
    {
      name: 'a ClusterAnalysisTemplate',
      changes: { [`${S}.analysis`]: { templates: [{ templateName: 'a', clusterScope: true }] } },
      field: `${S}.analysis.templates[0].clusterScope`,
    },
    {
      name: 'an unknown podTemplateHashValue',
      changes: {
        [`${S}.analysis`]: {
          templates: [{ templateName: 'a' }],
          args: [{ name: 'h', valueFrom: { podTemplateHashValue: 'Canary' } }],
        },
      },
      field: `${S}.analysis.args[0].valueFrom.podTemplateHashValue`,
    },
    {
      // Argo's AnalysisRunArgument has no secretKeyRef: the template names the Secret.
      name: 'a secretKeyRef in the Rollout (a step)',
      changes: {
        [`${S}.steps`]: [
          {
            analysis: {
              templates: [{ templateName: 'a' }],
              args: [{ name: 't', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
            },
          },
        ],
      },
      field: `${S}.steps[0].analysis.args[0].valueFrom.secretKeyRef`,
    },
    {
      // Argo checks a metadata path at apply (ExtractFieldPathAsString).
      name: 'a metadata field path Kubernetes does not serve',
      changes: {
        [`${S}.analysis`]: {
          templates: [{ templateName: 'a' }],
          args: [{ name: 'g', valueFrom: { fieldRef: { fieldPath: 'metadata.generation' } } }],
        },
      },
      field: `${S}.analysis.args[0].valueFrom.fieldRef.fieldPath`,
    },
    {
      name: 'an empty field path',
      changes: {
        [`${S}.analysis`]: {
          templates: [{ templateName: 'a' }],
          args: [{ name: 'g', valueFrom: { fieldRef: { fieldPath: '' } } }],
        },
      },
      field: `${S}.analysis.args[0].valueFrom.fieldRef.fieldPath`,
    },
    {
      name: 'an empty valueFrom',
      changes: { [`${S}.analysis`]: { templates: [{ templateName: 'a' }], args: [{ name: 'h', valueFrom: {} }] } },
      field: `${S}.analysis.args[0].valueFrom`,
    },
  ])('refuses $name in the analysis, naming $field', ({ changes, field }) => {
    const err = thrownBatonError(() => validateObject(withChanges(demoRollout(), changes)))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes.map((c) => c.field)).toContain(field)
  })

  it.each(REFUSED)('refuses $name, naming the field', ({ changes, fields, says }) => {
    const err = thrownBatonError(() => validateObject(withChanges(demoRollout(), changes)))
    expect(err.code).toBe('BATON_INVALID')
    expect(err.causes.map((c) => c.field)).toEqual(fields)
    expect(JSON.stringify(err.causes)).toContain(says)
  })

  it('accepts every supported blueGreen field', () => {
    const r = withChanges(demoRollout(), {
      'spec.strategy': {
        blueGreen: {
          activeService: 'demo-active',
          previewService: 'demo-preview',
          autoPromotionEnabled: true,
          autoPromotionSeconds: 10,
          scaleDownDelaySeconds: 30,
          previewReplicaCount: 1,
          abortScaleDownDelaySeconds: 0,
        },
      },
    })
    expect(() => validateObject(r)).not.toThrow()
  })

  it('refuses a Rollout in another apiVersion', () => {
    const err = thrownBatonError(() => validateObject({ ...demoRollout(), apiVersion: 'argoproj.io/v1' }))
    expect(err.code).toBe('BATON_UNKNOWN_KIND')
    expect(err.hint).toContain('argoproj.io/v1alpha1')
  })
})
