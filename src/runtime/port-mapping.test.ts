import { describe, expect, it } from 'vitest'
import { resolvePort } from './port-mapping.ts'

describe('resolvePort', () => {
  const mappings = [
    { containerName: 'sidecar', name: 'http', containerPort: 8080, hostPort: 20003 },
    { containerName: 'web', name: 'http', containerPort: 8080, hostPort: 20001 },
  ]
  it.each([
    { name: 'declared number, own container first', port: 8080, want: 20001 },
    { name: 'numeric string', port: '8080', want: 20001 },
    { name: 'port name', port: 'http', want: 20001 },
    { name: 'undeclared number is dialled as is', port: 5000, want: 5000 },
    { name: 'unknown name', port: 'metrics', want: undefined },
  ])('$name', ({ port, want }) => {
    expect(resolvePort(mappings, 'web', port)).toBe(want)
  })
})
