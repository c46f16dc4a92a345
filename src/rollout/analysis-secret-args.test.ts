import { describe, expect, it } from 'vitest'
import { base64Utf8 } from '../api/secret.ts'
import type { AnalysisMetricResult, AnalysisRunArgument, Secret } from '../api/types.ts'
import { SECRET_MASK, maskMeasurement, maskResults, maskSecrets, resolveSecretArgs } from './analysis-secret-args.ts'

const secret = (name: string, data: Record<string, string>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64Utf8(v)])),
})

const store = [secret('api', { token: 's3cr3t', empty: '', stars: '**', utf8: 'pässwörd' })]
const lookup = (name: string) => store.find((s) => s.metadata.name === name)
const fromSecret = (name: string, key: string, arg = 'token'): AnalysisRunArgument => ({
  name: arg,
  valueFrom: { secretKeyRef: { name, key } },
})
/** An arg with its value: `given('port', '8080')`. */
const given = (name: string, value: string): AnalysisRunArgument => ({ name, value })

describe('resolveSecretArgs (Argo resolveArgs)', () => {
  const cases: Array<{ name: string; args: AnalysisRunArgument[]; want: ReturnType<typeof resolveSecretArgs> }> = [
    {
      name: 'args without a Secret pass through untouched',
      args: [given('port', '8080'), { name: 'hash' }],
      want: { args: [given('port', '8080'), { name: 'hash' }], secrets: [] },
    },
    {
      name: "a Secret's key becomes the value, and a value to mask; the reference is dropped",
      args: [given('port', '8080'), fromSecret('api', 'token')],
      want: {
        args: [given('port', '8080'), given('token', 's3cr3t')],
        secrets: ['s3cr3t'],
      },
    },
    {
      name: 'the value is decoded as UTF-8',
      args: [fromSecret('api', 'utf8')],
      want: { args: [given('token', 'pässwörd')], secrets: ['pässwörd'] },
    },
    {
      name: 'the same value read twice is masked once',
      args: [fromSecret('api', 'token', 'a'), fromSecret('api', 'token', 'b')],
      want: {
        args: [given('a', 's3cr3t'), given('b', 's3cr3t')],
        secrets: ['s3cr3t'],
      },
    },
    {
      name: 'an empty value, and one inside the mask, are given but not masked',
      args: [fromSecret('api', 'empty', 'e'), fromSecret('api', 'stars', 's')],
      want: {
        args: [given('e', ''), given('s', '**')],
        secrets: [],
      },
    },
    {
      name: "a missing Secret is Argo's NotFound message",
      args: [fromSecret('nope', 'token')],
      want: { error: 'Unable to resolve metric arguments: secrets "nope" not found' },
    },
    {
      name: "a missing key is Argo's message naming key and Secret",
      args: [given('port', '1'), fromSecret('api', 'password')],
      want: { error: "Unable to resolve metric arguments: key 'password' does not exist in secret 'api'" },
    },
  ]
  for (const c of cases) it(c.name, () => expect(resolveSecretArgs(c.args, lookup)).toEqual(c.want))
})

describe('maskSecrets (Argo masks with *****)', () => {
  const cases: Array<{ name: string; text: string; secrets: string[]; want: string }> = [
    { name: 'no secrets: unchanged', text: 'GET http://x/?t=abc', secrets: [], want: 'GET http://x/?t=abc' },
    {
      name: 'every occurrence',
      text: 'GET http://x/abc?t=abc: refused',
      secrets: ['abc'],
      want: 'GET http://x/*****?t=*****: refused',
    },
    {
      name: 'the longest first: a value inside another is not left half shown',
      text: 'key=abc-long, short=abc',
      secrets: ['abc', 'abc-long'],
      want: 'key=*****, short=*****',
    },
    {
      name: 'regular-expression characters are literal',
      text: 'token a.b*c and aXbbc',
      secrets: ['a.b*c'],
      want: 'token ***** and aXbbc',
    },
    { name: 'masked text is not masked again', text: 'x *****', secrets: ['x'], want: '***** *****' },
  ]
  for (const c of cases) it(c.name, () => expect(maskSecrets(c.text, c.secrets)).toBe(c.want))
})

describe('masking what a run records', () => {
  it("masks a measurement's message and value, not its phase or times", () => {
    const m = {
      phase: 'Error' as const,
      message: 'GET http://h/?t=tok: refused',
      value: '{"saw":"tok"}',
      startedAt: 't',
    }
    expect(maskMeasurement(m, ['tok'])).toEqual({
      phase: 'Error',
      message: `GET http://h/?t=${SECRET_MASK}: refused`,
      value: `{"saw":"${SECRET_MASK}"}`,
      startedAt: 't',
    })
  })

  it("masks each metric's message and measurements, and a second pass changes nothing", () => {
    const results: AnalysisMetricResult[] = [
      {
        name: 'check',
        phase: 'Running',
        message: 'refused: tok',
        measurements: [
          { phase: 'Error', message: 'refused: tok' },
          { phase: 'Successful', value: 'tok' },
        ],
      },
      { name: 'other', phase: 'Pending' },
    ]
    maskResults(results, ['tok'])
    const once = structuredClone(results)
    expect(once[0]).toEqual({
      name: 'check',
      phase: 'Running',
      message: 'refused: *****',
      measurements: [
        { phase: 'Error', message: 'refused: *****' },
        { phase: 'Successful', value: '*****' },
      ],
    })
    maskResults(results, ['tok'])
    expect(results).toEqual(once)
  })
})
