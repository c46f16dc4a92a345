import { describe, expect, it } from 'vitest'
import { expectBatonError } from '../../test/support/baton-error.ts'
import { checkInsecureHttp } from './insecure-http.ts'

describe('--insecure-http', () => {
  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])('is allowed on loopback %s', (host) => {
    expect(() => checkInsecureHttp(host, true)).not.toThrow()
  })
  it.each(['0.0.0.0', '::', '192.168.1.5', 'example.com'])('is refused on %s', (host) => {
    const err = expectBatonError(() => checkInsecureHttp(host, true), 'BATON_TLS_REQUIRED')
    expect(err.message).toContain(`not on --host ${host}`)
    expect(err.hint).toContain('--host 127.0.0.1')
  })
  it('leaves HTTPS on any host alone', () => {
    expect(() => checkInsecureHttp('0.0.0.0', false)).not.toThrow()
  })
})
