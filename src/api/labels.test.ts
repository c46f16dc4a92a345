import { describe, expect, it } from 'vitest'
import { isEmptySelector, matchesSelector, parseSelector, selectorToString } from './labels.ts'
import { thrownBatonError } from '../../test/support/baton-error.ts'
import type { LabelSelector } from './types.ts'

describe('parseSelector', () => {
  const cases: Array<{ name: string; input: string; want: LabelSelector }> = [
    { name: 'empty string selects all', input: '', want: {} },
    { name: 'blank string selects all', input: '   ', want: {} },
    { name: 'equality', input: 'app=web', want: { matchLabels: { app: 'web' } } },
    { name: 'double equals', input: 'app==web', want: { matchLabels: { app: 'web' } } },
    { name: 'empty value', input: 'app=', want: { matchLabels: { app: '' } } },
    {
      name: 'inequality is NotIn',
      input: 'tier!=db',
      want: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
    },
    {
      name: 'set in with spaces',
      input: 'env in ( prod , staging )',
      want: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
    },
    {
      name: 'set notin',
      input: 'track notin (canary)',
      want: { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] },
    },
    { name: 'exists', input: 'app', want: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
    { name: 'does not exist', input: '!app', want: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } },
    {
      name: 'prefixed keys and mixed requirements',
      input: 'app.kubernetes.io/name=web, tier in (a,b),!canary',
      want: {
        matchLabels: { 'app.kubernetes.io/name': 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      },
    },
    {
      name: 'conflicting equalities stay both (select nothing)',
      input: 'a=1,a=2',
      want: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['2'] }] },
    },
  ]
  it.each(cases)('$name', ({ input, want }) => {
    expect(parseSelector(input)).toEqual(want)
  })

  const bad: Array<{ name: string; input: string; detail: RegExp }> = [
    { name: 'missing key', input: '=web', detail: /expected: identifier/ },
    { name: 'trailing comma', input: 'app=web,', detail: /expected: identifier/ },
    { name: 'unknown operator word', input: 'app within (a)', detail: /expected: '=', '!=', '==', 'in', 'notin'/ },
    { name: 'in without parens', input: 'app in a', detail: /expected: '\('/ },
    { name: 'empty set', input: 'app in ()', detail: /values set can't be empty/ },
    { name: 'unclosed set', input: 'app in (a', detail: /expected: ',' or '\)'/ },
    { name: 'junk after requirement', input: 'app=web web2', detail: /expected: ',' or 'end of string'/ },
    { name: 'negated with value', input: '!app=web', detail: /expected: ',' or 'end of string'/ },
    { name: 'bad key', input: '-app=web', detail: /invalid label key "-app"/ },
    { name: 'bad value', input: 'app=we$b', detail: /invalid label value: "we\$b"/ },
    { name: 'value too long', input: `app=${'x'.repeat(64)}`, detail: /no more than 63 characters/ },
  ]
  it.each(bad)('rejects $name', ({ input, detail }) => {
    const be = thrownBatonError(() => parseSelector(input))
    expect(be.code).toBe('BATON_BAD_REQUEST')
    expect(be.message).toContain(`unable to parse label selector "${input}"`)
    expect(be.message).toMatch(detail)
    expect(be.hint).toMatch(/app=web/)
  })
})

describe('matchesSelector', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' }
  const cases: Array<{
    name: string
    sel: string | LabelSelector
    labels: Record<string, string> | undefined
    want: boolean
  }> = [
    { name: 'empty selector matches everything', sel: {}, labels, want: true },
    { name: 'empty selector matches no labels', sel: {}, labels: undefined, want: true },
    { name: 'equality hit', sel: 'app=web', labels, want: true },
    { name: 'equality miss', sel: 'app=api', labels, want: false },
    { name: 'equality against no labels', sel: 'app=web', labels: undefined, want: false },
    { name: 'AND of labels and expressions', sel: 'app=web,env in (prod,dev)', labels, want: true },
    { name: 'AND fails on one expression', sel: 'app=web,env in (dev)', labels, want: false },
    { name: 'notin matches absent key', sel: 'track notin (canary)', labels, want: true },
    { name: 'notin misses listed value', sel: 'env notin (prod)', labels, want: false },
    { name: 'inequality matches absent key', sel: 'track!=canary', labels, want: true },
    { name: 'exists', sel: 'tier', labels, want: true },
    { name: 'exists miss', sel: 'track', labels, want: false },
    { name: 'does not exist', sel: '!track', labels, want: true },
    { name: 'does not exist miss', sel: '!tier', labels, want: false },
    { name: 'conflicting equalities select nothing', sel: 'app=web,app=api', labels, want: false },
    { name: 'empty value needs the key present', sel: 'app=', labels: { app: '' }, want: true },
    { name: 'inherited keys do not count', sel: 'constructor', labels: {}, want: false },
  ]
  it.each(cases)('$name', ({ sel, labels: l, want }) => {
    const s = typeof sel === 'string' ? parseSelector(sel) : sel
    expect(matchesSelector(s, l)).toBe(want)
  })
})

describe('selectorToString', () => {
  const cases: Array<{ name: string; sel: LabelSelector; want: string }> = [
    { name: 'empty', sel: {}, want: '' },
    { name: 'matchLabels sorted by key', sel: { matchLabels: { tier: 'web', app: 'x' } }, want: 'app=x,tier=web' },
    {
      name: 'mixed, values sorted',
      sel: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] },
      want: 'app=web,tier in (a,b)',
    },
    {
      name: 'every operator',
      sel: {
        matchExpressions: [
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'c', operator: 'Exists' },
          { key: 'b', operator: 'NotIn', values: ['x'] },
        ],
      },
      want: 'b notin (x),c,!d',
    },
  ]
  it.each(cases)('$name', ({ sel, want }) => {
    expect(selectorToString(sel)).toBe(want)
  })

  it('round-trips through parseSelector', () => {
    const text = 'app=web,env in (dev,prod),!canary,track notin (beta)'
    const sel = parseSelector(text)
    expect(selectorToString(sel)).toBe('app=web,!canary,env in (dev,prod),track notin (beta)')
    expect(selectorToString(parseSelector(selectorToString(sel)))).toBe(selectorToString(sel))
  })
})

describe('isEmptySelector', () => {
  it.each<{ sel: LabelSelector; want: boolean }>([
    { sel: {}, want: true },
    { sel: { matchLabels: {}, matchExpressions: [] }, want: true },
    { sel: { matchLabels: { a: 'b' } }, want: false },
  ])('$sel -> $want', ({ sel, want }) => {
    expect(isEmptySelector(sel)).toBe(want)
  })
})
