import { describe, expect, it } from 'vitest'
import { executeJsonPath, goJson, goValue, parseJsonPath, relaxedJsonPath } from './jsonpath.ts'

/** The example object of kubectl's JSONPath reference (kubernetes.io, "JSONPath Support"). */
const DOC = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: { capacity: { cpu: '4' }, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] },
    },
    {
      kind: 'None',
      metadata: { name: '127.0.0.2' },
      status: {
        capacity: { cpu: '8' },
        addresses: [
          { type: 'LegacyHostIP', address: '127.0.0.2' },
          { type: 'another', address: '127.0.0.3' },
        ],
      },
    },
  ],
  users: [
    { name: 'myself', user: {} },
    { name: 'e2e', user: { username: 'admin', password: 'secret' } },
  ],
}

const LIST = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
      spec: { replicas: 3, paused: false },
      status: {
        conditions: [
          { type: 'Available', status: 'True' },
          { type: 'Progressing', status: 'True' },
        ],
      },
    },
    {
      metadata: { name: 'api', labels: { app: 'api' } },
      spec: { replicas: 1 },
      status: { conditions: [{ type: 'Available', status: 'False' }] },
    },
  ],
}

describe('kubectl JSONPath: the reference page examples', () => {
  it.each([
    { name: 'the kind', t: '{.kind}', want: 'List' },
    { name: 'a quoted key', t: "{['kind']}", want: 'List' },
    { name: 'recursive descent', t: '{..name}', want: '127.0.0.1 127.0.0.2 myself e2e' },
    { name: 'wildcard over items', t: '{.items[*].metadata.name}', want: '127.0.0.1 127.0.0.2' },
    { name: 'an index', t: '{.users[0].name}', want: 'myself' },
    { name: 'a filter', t: '{.users[?(@.name=="e2e")].user.password}', want: 'secret' },
    { name: 'a slice', t: '{.items[0:1].metadata.name}', want: '127.0.0.1' },
    { name: 'a negative index', t: '{.items[-1:].metadata.name}', want: '127.0.0.2' },
    { name: 'a union of indexes', t: '{.users[1,0].name}', want: 'e2e myself' },
    {
      name: 'range with text',
      t: '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}',
      want: '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
    },
    {
      name: 'quoted text with escapes',
      t: '{range .items[*]}{.metadata.name}{"\\t"}{.status.capacity.cpu}{"\\n"}{end}',
      want: '127.0.0.1\t4\n127.0.0.2\t8\n',
    },
    {
      name: 'a map prints as compact sorted JSON',
      t: '{.users[1].user}',
      want: '{"password":"secret","username":"admin"}',
    },
    {
      name: 'nested range',
      t: '{range .items[*]}{.metadata.name}:{range .status.addresses[*]}{.address} {end};{end}',
      want: '127.0.0.1:127.0.0.1 ;127.0.0.2:127.0.0.2 127.0.0.3 ;',
    },
  ])('$name: $t', ({ t, want }) => {
    expect(executeJsonPath(t, DOC)).toBe(want)
  })
})

describe('kubectl JSONPath on Baton objects', () => {
  it.each([
    { name: 'text around actions', t: 'names: {.items[*].metadata.name}!', want: 'names: web api!' },
    { name: 'a missing key prints nothing', t: '{.items[*].metadata.labels.tier}', want: 'front' },
    { name: 'numbers and booleans', t: '{.items[0].spec.replicas} {.items[0].spec.paused}', want: '3 false' },
    { name: 'a number filter', t: '{.items[?(@.spec.replicas>2)].metadata.name}', want: 'web' },
    {
      name: 'a filter on conditions',
      t: '{range .items[*]}{.status.conditions[?(@.type=="Available")].status}{"\\n"}{end}',
      want: 'True\nFalse\n',
    },
    { name: 'an exists filter', t: '{.items[?(@.spec.paused)].metadata.name}', want: 'web' },
    { name: 'a union of keys', t: "{.items[0].metadata.labels['app','tier']}", want: 'web front' },
    { name: 'a key with dots, escaped', t: '{.items[0].metadata.labels.app}', want: 'web' },
    {
      name: 'a list prints as JSON',
      t: '{.items[1].status.conditions}',
      want: '[{"status":"False","type":"Available"}]',
    },
    { name: 'an empty range', t: '{range .items[5:5]}x{end}done', want: 'done' },
    { name: 'a step', t: '{.items[0:2:2].metadata.name}', want: 'web' },
    { name: 'the dollar root', t: '{$.kind}', want: 'List' },
  ])('$name: $t', ({ t, want }) => {
    expect(executeJsonPath(t, LIST)).toBe(want)
  })

  it('escapes a dot in a key name', () => {
    expect(
      executeJsonPath('{.metadata.annotations.kubernetes\\.io/change-cause}', {
        metadata: { annotations: { 'kubernetes.io/change-cause': 'x' } },
      }),
    ).toBe('x')
  })

  it('a parsed template runs on several objects alike', () => {
    const p = parseJsonPath('{range .items[*]}{.metadata.name} {end}')
    expect(p.execute(LIST)).toBe('web api ')
    expect(p.execute(LIST)).toBe('web api ')
  })

  it('fails on a missing key only when missing keys are not allowed', () => {
    expect(executeJsonPath('{.spec.bogus}', LIST.items[0])).toBe('')
    expect(() => executeJsonPath('{.spec.bogus}', LIST.items[0], { allowMissingKeys: false })).toThrow(
      'error executing jsonpath "{.spec.bogus}": bogus is not found',
    )
  })

  it.each([
    { t: '{.metadata.name', message: 'error parsing jsonpath {.metadata.name, unclosed action' },
    { t: '{.items[0}', message: 'unterminated array' },
    { t: '{.items[?(@.x=="a"}', message: 'unterminated filter' },
    { t: '{.a[x]}', message: 'invalid array index x' },
    { t: '{"abc}', message: 'unterminated quoted string' },
    { t: '{#}', message: "unrecognized character in action: U+0023 '#'" },
  ])('refuses a template that does not parse: $t', ({ t, message }) => {
    expect(() => parseJsonPath(t)).toThrow(message)
  })

  it.each([
    { t: '{end}', message: 'not in range, nothing to end' },
    { t: '{.items[5]}', message: 'array index out of bounds: index 5, length 2' },
    { t: '{.kind[0]}', message: 'string is not array or slice' },
    { t: '{.items[?(@.spec.replicas=="3")]}', message: 'incompatible types for comparison' },
    { t: '{foo}', message: 'unrecognized identifier foo' },
  ])('refuses a template that fails on the object: $t', ({ t, message }) => {
    expect(() => executeJsonPath(t, LIST)).toThrow(message)
  })
})

describe('Go printing of decoded values', () => {
  it.each([
    { v: { b: 1, a: ['x', null] }, json: '{"a":["x",null],"b":1}', value: 'map[a:[x <nil>] b:1]' },
    { v: '<a&b>', json: '"\\u003ca\\u0026b\\u003e"', value: '<a&b>' },
    { v: 0.5, json: '0.5', value: '0.5' },
    { v: 1234567.5, json: '1234567.5', value: '1.2345675e+06' },
    { v: 12, json: '12', value: '12' },
  ])('$v', ({ v, json, value }) => {
    expect(goJson(v)).toBe(json)
    expect(goValue(v)).toBe(value)
  })
})

describe('relaxed JSONPath (custom-columns, --sort-by)', () => {
  it.each(['metadata.name', '.metadata.name', '{metadata.name}', '{.metadata.name}'])('%s', (e) => {
    expect(relaxedJsonPath(e)).toBe('{.metadata.name}')
  })
  it('refuses a template with several actions', () => {
    expect(() => relaxedJsonPath('{.a}{.b}')).toThrow('unexpected path string')
  })
})
