// examples/stateful: its manifest is admitted as written (the claim mount included), and its two
// versions run the same server.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseManifests } from '../../src/api/manifest.ts'
import { processRuntimeErrors } from '../../src/api/process-runtime-support.ts'
import { validateObject } from '../../src/api/validate.ts'

const DIR = fileURLToPath(new URL('../../examples/stateful/', import.meta.url))

describe('examples/stateful', () => {
  it('statefulset.yaml validates and the process runtime honours all of it', () => {
    const objects = parseManifests(readFileSync(`${DIR}statefulset.yaml`, 'utf8'))
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'StatefulSet/kv',
      'Service/kv',
      'Service/kv-lb',
    ])
    for (const o of objects) expect(processRuntimeErrors(validateObject(o))).toEqual([])
  })

  it('v1 and v2 hold the same server.js and their own version', () => {
    expect(readFileSync(`${DIR}v1/server.js`, 'utf8')).toBe(readFileSync(`${DIR}v2/server.js`, 'utf8'))
    expect(readFileSync(`${DIR}v1/version.txt`, 'utf8').trim()).toBe('v1')
    expect(readFileSync(`${DIR}v2/version.txt`, 'utf8').trim()).toBe('v2')
  })
})
