import { describe, expect, it } from 'vitest'
import { parseJsonPath, readJsonPath } from './analysis-json-path.ts'

const DOC = { data: { ok: true, rates: [0.5, 0.99] }, 'x-y': 3 }

describe('the web provider jsonPath Baton reads', () => {
  it.each([
    { path: '{$.data.ok}', want: true },
    { path: '$.data.rates[1]', want: 0.99 },
    { path: '{$.data.rates[-1]}', want: 0.99 },
    { path: "{$['x-y']}", want: 3 },
    { path: '{$}', want: DOC },
  ])('$path reads $want', ({ path, want }) => {
    const steps = parseJsonPath(path)
    if (typeof steps === 'string') throw new Error(steps)
    expect(readJsonPath(DOC, steps)).toEqual({ value: want })
  })

  it.each([
    { path: '{.data}', says: 'must start with $' },
    { path: '{$.items[*].rate}', says: 'no filters, wildcards or ranges' },
    { path: '{$.items[?(@.a==1)]}', says: 'no filters' },
    { path: '{$..rate}', says: 'not a field' },
  ])('refuses $path', ({ path, says }) => {
    expect(parseJsonPath(path)).toContain(says)
  })

  it('says what is missing', () => {
    expect(readJsonPath(DOC, [{ field: 'data' }, { field: 'nope' }])).toEqual({
      missing: '$.data.nope is not in the answer',
    })
    expect(readJsonPath(DOC, [{ field: 'data' }, { field: 'rates' }, { index: 5 }])).toEqual({
      missing: '$.data.rates[5] is out of range',
    })
  })
})
