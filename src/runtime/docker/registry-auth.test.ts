import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../platform/clock.ts'
import { authFor, credentialSource, credentialsFrom, type DockerConfig } from './registry-auth.ts'

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

describe('credentialSource: which helper or auths entry the docker CLI would use', () => {
  const hub = 'https://index.docker.io/v1/'
  const withAuths: DockerConfig = { auths: { 'reg.example.com:5000': { auth: b64('me:pw') } } }
  it.each<{ name: string; config: DockerConfig; image: string; want: ReturnType<typeof credentialSource> }>([
    {
      name: 'credHelpers names the registry',
      config: { credHelpers: { 'ghcr.io': 'gh' }, credsStore: 'pass' },
      image: 'ghcr.io/org/app:1',
      want: { kind: 'helper', helper: 'gh', serverAddress: 'ghcr.io', key: 'credHelpers["ghcr.io"]' },
    },
    {
      name: 'credHelpers keyed by a URL, as docker login writes some',
      config: { credHelpers: { 'https://reg.example.com:5000': 'ecr-login' } },
      image: 'reg.example.com:5000/team/web:2',
      want: {
        kind: 'helper',
        helper: 'ecr-login',
        serverAddress: 'reg.example.com:5000',
        key: 'credHelpers["https://reg.example.com:5000"]',
      },
    },
    {
      name: 'credsStore for a registry no credHelpers entry names; Docker Hub by its index URL',
      config: { credHelpers: { 'ghcr.io': 'gh' }, credsStore: 'pass' },
      image: 'nginx',
      want: { kind: 'helper', helper: 'pass', serverAddress: hub, key: 'credsStore' },
    },
    {
      name: 'a helper once named is the only source, auths entry or not',
      config: { ...withAuths, credsStore: 'secretservice' },
      image: 'reg.example.com:5000/web',
      want: { kind: 'helper', helper: 'secretservice', serverAddress: 'reg.example.com:5000', key: 'credsStore' },
    },
    {
      name: 'an empty credHelpers entry names no helper',
      config: { ...withAuths, credHelpers: { 'reg.example.com:5000': '' } },
      image: 'reg.example.com:5000/web',
      want: { kind: 'auths', auth: { serveraddress: 'reg.example.com:5000', username: 'me', password: 'pw' } },
    },
    {
      name: 'no helper: the auths entry',
      config: withAuths,
      image: 'reg.example.com:5000/web',
      want: { kind: 'auths', auth: { serveraddress: 'reg.example.com:5000', username: 'me', password: 'pw' } },
    },
    { name: 'nothing for the registry', config: withAuths, image: 'quay.io/a/b', want: undefined },
    { name: 'a reference that does not parse', config: { credsStore: 'pass' }, image: 'Not A Ref', want: undefined },
  ])('$name', ({ config, image, want }) => {
    expect(credentialSource(config, image)).toEqual(want)
  })
})

describe('credentialsFrom', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('reads the file on every pull: a docker login after the start applies, an absent file means none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-docker-config-'))
    const file = join(dir, 'config.json')
    const credentials = credentialsFrom(file, { clock: systemClock })
    expect(await credentials('localhost:5000/web:v1')).toBeUndefined()
    writeFileSync(file, JSON.stringify({ auths: { 'localhost:5000': { auth: b64('u:p') } } }))
    expect(await credentials('localhost:5000/web:v1')).toEqual({
      serveraddress: 'localhost:5000',
      username: 'u',
      password: 'p',
    })
  })
})

describe('credentialsFrom with a helper', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.each([
    {
      name: 'missing',
      helper: 'baton-absent',
      want: /^error getting credentials for localhost:5000 from docker-credential-baton-absent \(credHelpers\["localhost:5000"\] in .*config\.json\): docker-credential-baton-absent is not installed: not found on the PATH$/,
    },
    {
      name: 'failing',
      helper: 'baton-broken',
      want: /^error getting credentials for localhost:5000 from docker-credential-baton-broken \(credHelpers\["localhost:5000"\] in .*\): exited with code 3: keyring locked$/,
    },
  ])('a $name helper is a problem naming it, the registry and the setting', async ({ helper, want }) => {
    dir = mkdtempSync(join(tmpdir(), 'baton-docker-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(join(dir, 'docker-credential-baton-broken'), '#!/bin/sh\necho keyring locked >&2\nexit 3\n', {
      mode: 0o755,
    })
    writeFileSync(file, JSON.stringify({ credHelpers: { 'localhost:5000': helper } }))
    const credentials = credentialsFrom(file, { clock: systemClock, env: { PATH: `${dir}:/usr/bin:/bin` } })
    const got = await credentials('localhost:5000/web:v1')
    expect(got && 'problem' in got ? got.problem : got).toMatch(want)
  })
})
