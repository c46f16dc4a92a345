import { describe, expect, it } from 'vitest'
import {
  generateName,
  podsPrefix,
  configKeyErrors,
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  portNameErrors,
  portNumberErrors,
  qualifiedNameErrors,
} from './names.ts'

// [rule, value, valid?] following apimachinery's validation tests.
const CASES: Array<[string, (v: string) => string[], string, boolean]> = [
  ['label', dns1123LabelErrors, 'web-1', true],
  ['label', dns1123LabelErrors, '1web', true],
  ['label', dns1123LabelErrors, 'Web', false],
  ['label', dns1123LabelErrors, 'web.app', false],
  ['label', dns1123LabelErrors, 'web-', false],
  ['label', dns1123LabelErrors, 'a'.repeat(64), false],
  ['dns1035', dns1035LabelErrors, 'web', true],
  ['dns1035', dns1035LabelErrors, '1web', false],
  ['subdomain', dns1123SubdomainErrors, 'web.example.com', true],
  ['subdomain', dns1123SubdomainErrors, 'web..app', false],
  [
    'subdomain',
    dns1123SubdomainErrors,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
    true,
  ],
  ['subdomain', dns1123SubdomainErrors, 'a'.repeat(254), false],
  ['qualified', qualifiedNameErrors, 'app.kubernetes.io/name', true],
  ['qualified', qualifiedNameErrors, 'My_Key.1', true],
  ['qualified', qualifiedNameErrors, '/name', false],
  ['qualified', qualifiedNameErrors, 'a/b/c', false],
  ['qualified', qualifiedNameErrors, 'Example.com/name', false],
  ['qualified', qualifiedNameErrors, 'example.com/', false],
  ['label value', labelValueErrors, '', true],
  ['label value', labelValueErrors, 'v1.2_rc-3', true],
  ['label value', labelValueErrors, 'v1 ', false],
  ['port name', portNameErrors, 'http', true],
  ['port name', portNameErrors, 'h2c-8080', true],
  ['port name', portNameErrors, '8080', false],
  ['port name', portNameErrors, 'web--ui', false],
  ['port name', portNameErrors, '-web', false],
  ['port name', portNameErrors, 'a-very-long-name', false],
  ['config key', configKeyErrors, 'app.yml', true],
  ['config key', configKeyErrors, 'conf/app.yml', false],
  ['config key', configKeyErrors, '..data', false],
]

describe('name rules', () => {
  it.each(CASES)('%s %j', (_rule, check, value, valid) => {
    expect(check(value).length === 0).toBe(valid)
  })

  it('words problems as the API server does', () => {
    expect(portNameErrors('8080')).toEqual(['must contain at least one letter (a-z)'])
    expect(dns1123LabelErrors('a'.repeat(64))[0]).toBe('must be no more than 63 characters')
    expect(qualifiedNameErrors('example.com/')).toEqual(['name part must be non-empty'])
  })

  it.each([
    [1, true],
    [65535, true],
    [0, false],
    [65536, false],
    [80.5, false],
  ])('port number %d valid: %s', (port, valid) => {
    expect(portNumberErrors(port).length === 0).toBe(valid)
  })
})

describe('generated pod names (getPodsPrefix, SimpleNameGenerator)', () => {
  const long = (n: number) => 'a'.repeat(n)
  const cases = [
    {
      name: 'a short ReplicaSet: its name, a dash, the random part',
      controller: 'web-5d4f8c7b9',
      want: 'web-5d4f8c7b9-x2k9q',
    },
    { name: 'exactly 57 characters: the dash still fits in 58', controller: long(57), want: `${long(57)}-x2k9q` },
    { name: '58 characters: the dash is cut, 63 in all', controller: long(58), want: `${long(58)}x2k9q` },
    { name: 'a 100-character name is cut to 58', controller: long(100), want: `${long(58)}x2k9q` },
    {
      name: 'a 253-character name: prefix without the dash, cut to 58',
      controller: long(253),
      want: `${long(58)}x2k9q`,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = generateName(podsPrefix(c.controller), 'x2k9q')
      expect(got).toBe(c.want)
      expect(got.length).toBeLessThanOrEqual(63)
    })
  }
  it('keeps the dash up to a 252-character name and drops it past that', () => {
    expect(podsPrefix(long(252))).toBe(`${long(252)}-`)
    expect(podsPrefix(long(253))).toBe(long(253))
  })
})
