import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { authFor, credentialsFrom } from './registry-auth.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('authFor', () => {
  const config = {
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub-user:hub-pass') },
      'registry.example.com:5000': { auth: b64('me:s3:cr3t') },
      'https://ghcr.io': { identitytoken: 'tok' },
      'empty.example.com': {},
    },
  }
  it.each([
    {
      image: 'bebullish/demo:v1',
      want: { serveraddress: 'https://index.docker.io/v1/', username: 'hub-user', password: 'hub-pass' },
    },
    {
      image: 'nginx',
      want: { serveraddress: 'https://index.docker.io/v1/', username: 'hub-user', password: 'hub-pass' },
    },
    {
      image: 'registry.example.com:5000/team/web:2',
      want: { serveraddress: 'registry.example.com:5000', username: 'me', password: 's3:cr3t' },
    },
    { image: 'ghcr.io/org/app:1', want: { serveraddress: 'ghcr.io', identitytoken: 'tok' } },
    { image: 'empty.example.com/app', want: undefined },
    { image: 'quay.io/other/app', want: undefined },
    { image: 'Not A Reference', want: undefined },
  ])('$image', ({ image, want }) => {
    expect(authFor(config, image)).toEqual(want)
  })
})

describe('credentialsFrom', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('reads the file on every pull: a docker login after the start applies, an absent file means none', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-docker-config-'))
    const file = join(dir, 'config.json')
    const credentials = credentialsFrom(file)
    expect(credentials('localhost:5000/web:v1')).toBeUndefined()
    writeFileSync(file, JSON.stringify({ auths: { 'localhost:5000': { auth: b64('u:p') } } }))
    expect(credentials('localhost:5000/web:v1')).toEqual({
      serveraddress: 'localhost:5000',
      username: 'u',
      password: 'p',
    })
  })
})
