import { describe, expect, it } from 'vitest'
import { parseWarningHeader } from './warnings.ts'

const CASES: Array<{ name: string; header: string | null; texts: string[] }> = [
  { name: 'no header', header: null, texts: [] },
  {
    name: 'one warning',
    header: '299 - "no artifact \\"web:v9\\" has been pushed"',
    texts: ['no artifact "web:v9" has been pushed'],
  },
  {
    name: 'two joined by Headers.get, a comma inside the first',
    header: '299 - "a, b", 299 - "c"',
    texts: ['a, b', 'c'],
  },
  { name: 'a date after the text', header: '299 - "late" "Wed, 21 Oct 2015 07:28:00 GMT"', texts: ['late'] },
  { name: 'another warn-code is not a Kubernetes warning', header: '199 - "misc"', texts: [] },
]

describe('parseWarningHeader', () => {
  it.each(CASES)('$name', ({ header, texts }) => {
    expect(parseWarningHeader(header)).toEqual(texts)
  })
})
