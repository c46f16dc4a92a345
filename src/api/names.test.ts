import { describe, expect, it } from 'vitest'
import {
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
