import { describe, expect, it } from 'vitest'
import { dashboardOrigin } from './dashboard.ts'

describe('dashboardOrigin', () => {
  it.each([
    {
      server: 'https://127.0.0.1:7070',
      want: 'http://127.0.0.1:7070',
      why: 'loopback: the plain-HTTP side of the API port',
    },
    { server: 'https://localhost:7171', want: 'http://localhost:7171', why: 'localhost too' },
    { server: 'https://[::1]:7070', want: 'http://[::1]:7070', why: 'IPv6 loopback' },
    { server: 'http://127.0.0.1:7070', want: 'http://127.0.0.1:7070', why: '--insecure-http: already plain' },
    { server: 'https://baton.internal:7070', want: 'https://baton.internal:7070', why: 'another machine: HTTPS only' },
  ])('$server -> $want ($why)', ({ server, want }) => {
    expect(dashboardOrigin(server)).toBe(want)
  })
})
