/**
 * @module
 * Credentials for a pull, as the kubelet finds them: first the pod's imagePullSecrets (Secrets
 * of type kubernetes.io/dockerconfigjson, key `.dockerconfigjson`, or kubernetes.io/dockercfg,
 * key `.dockercfg`; the first that has the image's registry), then the Docker config of the
 * user the daemon runs as (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), as
 * `docker pull` uses it:
 * the `auths` entry of the image's registry (`docker login` writes it), sent to the engine
 * with the pull. The file is read on every pull, so a `docker login` applies without a
 * restart. Credential helpers (`credsStore`, `credHelpers`) are not run: a registry they hold
 * is pulled anonymously, and the pull's error says so.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isImageReferenceError, parseImageReference, registryOf } from '../../api/image-reference.ts'
import type { Secret } from '../../api/types.ts'
import { envValue } from '../../platform/env.ts'

export interface PullAuth {
  serveraddress: string
  username?: string
  password?: string
  identitytoken?: string
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  credsStore?: string
  credHelpers?: Record<string, string>
}

/** A config key ("https://index.docker.io/v1/", "registry:5000", "https://ghcr.io") as a registry host. */
function registryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '')
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host
}

/** The credentials `config` holds for the registry `image` pulls from; undefined for none. Pure. */
export function authFor(config: DockerConfig, image: string): PullAuth | undefined {
  const ref = parseImageReference(image)
  if (isImageReferenceError(ref)) return undefined
  const registry = registryOf(ref)
  const entry = Object.entries(config.auths ?? {}).find(([k]) => registryKey(k) === registry)?.[1]
  if (!entry) return undefined
  const serveraddress = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
  if (entry.identitytoken) return { serveraddress, identitytoken: entry.identitytoken }
  let { username, password } = entry
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
  }
  return username && password ? { serveraddress, username, password } : undefined
}

/** Where the daemon's user keeps its Docker config. */
export function dockerConfigFile(): string {
  return join(envValue('DOCKER_CONFIG') ?? join(homedir(), '.docker'), 'config.json')
}

/** Credentials for `image` from the Docker config at `file` (read now); none when it is absent or unreadable. */
export function credentialsFrom(file: string): (image: string) => PullAuth | undefined {
  return (image) => {
    let config: DockerConfig
    try {
      config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig
    } catch {
      return undefined
    }
    return authFor(config, image)
  }
}

/**
 * Credentials for `image` from the pod's pull Secrets (in the order the pod names them);
 * undefined when none has the registry. A Secret of another type, or one that does not parse,
 * gives none.
 */
export function authFromSecrets(secrets: readonly Secret[], image: string): PullAuth | undefined {
  for (const s of secrets) {
    const key =
      s.type === 'kubernetes.io/dockerconfigjson'
        ? '.dockerconfigjson'
        : s.type === 'kubernetes.io/dockercfg'
          ? '.dockercfg'
          : undefined
    const raw = key ? s.data?.[key] : undefined
    if (!key || raw === undefined) continue
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'))
    } catch {
      continue
    }
    // .dockercfg is the older form: the auths map itself.
    const config = (key === '.dockercfg' ? { auths: parsed } : parsed) as DockerConfig
    const auth = authFor(config, image)
    if (auth) return auth
  }
  return undefined
}
