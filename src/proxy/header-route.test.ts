import { describe, expect, it } from 'vitest'
import { headerRouteRevision, headerValue } from './header-route.ts'
import type { HeaderRoute } from './types.ts'

const lines = (...h: string[]) => h.map((l) => `${l}\r\n`).join('')

describe('headerValue', () => {
  it.each([
    { name: 'found, value trimmed', lines: lines('Host: a', 'X-Canary:  yes '), header: 'x-canary', want: 'yes' },
    { name: 'names compared without case', lines: lines('x-CANARY: 1'), header: 'X-Canary', want: '1' },
    { name: 'the first of several', lines: lines('X-C: 1', 'X-C: 2'), header: 'X-C', want: '1' },
    { name: 'absent', lines: lines('Host: a'), header: 'X-C', want: undefined },
    { name: 'a longer name is another header', lines: lines('X-Canary-2: 1'), header: 'X-Canary', want: undefined },
    { name: 'an empty value', lines: lines('X-C:'), header: 'X-C', want: '' },
  ])('$name', ({ lines: l, header, want }) => expect(headerValue(l, header)).toBe(want))
})

describe('headerRouteRevision', () => {
  const route = (match: HeaderRoute['match']): HeaderRoute[] => [{ revision: 'canary', match }]
  it.each([
    {
      name: 'exact: equal',
      routes: route([{ name: 'X-User', exact: 'beta' }]),
      lines: lines('X-User: beta'),
      want: 'canary',
    },
    {
      name: 'exact: not equal',
      routes: route([{ name: 'X-User', exact: 'beta' }]),
      lines: lines('X-User: betax'),
      want: undefined,
    },
    {
      name: 'prefix',
      routes: route([{ name: 'User-Agent', prefix: 'Mozilla' }]),
      lines: lines('User-Agent: Mozilla/5.0'),
      want: 'canary',
    },
    {
      name: 'prefix: not a start',
      routes: route([{ name: 'User-Agent', prefix: 'Mozilla' }]),
      lines: lines('User-Agent: curl Mozilla'),
      want: undefined,
    },
    {
      name: 'regex: the whole value',
      routes: route([{ name: 'X-Id', regex: '[0-9]+' }]),
      lines: lines('X-Id: 123'),
      want: 'canary',
    },
    {
      name: 'regex: a part is not enough',
      routes: route([{ name: 'X-Id', regex: '[0-9]+' }]),
      lines: lines('X-Id: a123'),
      want: undefined,
    },
    {
      name: 'regex that does not compile matches nothing',
      routes: route([{ name: 'X-Id', regex: '(' }]),
      lines: lines('X-Id: ('),
      want: undefined,
    },
    {
      name: 'every condition must hold',
      routes: route([
        { name: 'X-A', exact: '1' },
        { name: 'X-B', exact: '2' },
      ]),
      lines: lines('X-A: 1'),
      want: undefined,
    },
    {
      name: 'all hold',
      routes: route([
        { name: 'X-A', exact: '1' },
        { name: 'X-B', exact: '2' },
      ]),
      lines: lines('X-B: 2', 'X-A: 1'),
      want: 'canary',
    },
    { name: 'header absent', routes: route([{ name: 'X-User', exact: '' }]), lines: lines('Host: a'), want: undefined },
    { name: 'a route without conditions matches nothing', routes: route([]), lines: lines('Host: a'), want: undefined },
    {
      name: 'the first matching route wins',
      routes: [
        { revision: 'one', match: [{ name: 'X-A', prefix: '' }] },
        { revision: 'two', match: [{ name: 'X-A', exact: '1' }] },
      ],
      lines: lines('X-A: 1'),
      want: 'one',
    },
  ])('$name', ({ routes, lines: l, want }) => expect(headerRouteRevision(routes, l)).toBe(want))
})
