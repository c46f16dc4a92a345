import { describe, expect, it } from 'vitest'
import type { PodTemplateSpec } from '../../api/types.ts'
import { templateDiff } from './template-diff.ts'

const t = (
  image: string,
  extra: Partial<PodTemplateSpec['spec']['containers'][number]> = {},
  labels: Record<string, string> = {},
): PodTemplateSpec => ({
  metadata: { labels: { app: 'web', ...labels } },
  spec: { containers: [{ name: 'app', image, ...extra }] },
})

describe('templateDiff', () => {
  const cases = [
    { name: 'same template: nothing', a: t('web:v1'), b: t('web:v1'), want: [] },
    {
      name: 'image changed',
      a: t('web:v2'),
      b: t('web:v1'),
      want: [{ path: 'spec.containers[app].image', current: 'web:v2', target: 'web:v1' }],
    },
    {
      name: 'the hash label does not count',
      a: t('web:v1', {}, { 'pod-template-hash': 'abc' }),
      b: t('web:v1', {}, { 'pod-template-hash': 'def' }),
      want: [],
    },
    {
      name: 'an env var added and a label dropped',
      a: t('web:v1', {}, { tier: 'front' }),
      b: t('web:v1', { env: [{ name: 'MODE', value: 'fast' }] }),
      want: [
        { path: 'metadata.labels.tier', current: 'front' },
        { path: 'spec.containers[app].env[MODE].name', target: 'MODE' },
        { path: 'spec.containers[app].env[MODE].value', target: 'fast' },
      ],
    },
    {
      name: 'a plain list compares whole',
      a: t('web:v1', { args: ['a'] }),
      b: t('web:v1', { args: ['a', 'b'] }),
      want: [{ path: 'spec.containers[app].args', current: '["a"]', target: '["a","b"]' }],
    },
  ]
  it.each(cases)('$name', ({ a, b, want }) => expect(templateDiff(a, b)).toEqual(want))
})
