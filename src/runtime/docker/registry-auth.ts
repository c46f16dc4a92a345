/**
 * @module
 * Credentials for a pull, as the kubelet finds them: first the pod's imagePullSecrets (Secrets
 * of type kubernetes.io/dockerconfigjson, key `.dockerconfigjson`, or kubernetes.io/dockercfg,
 * key `.dockercfg`; the first that has the image's registry), then the Docker config of the
 * user the daemon runs as (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), as
 * `docker pull` uses it: a credential helper when the file names one for the image's registry
 * (`credHelpers`, else `credsStore`; credential-helper.ts runs it), else the registry's `auths`
 * entry (`docker login` writes it); what they give is sent to the engine with the pull. The
 * file is read on every pull, so a `docker login` applies without a restart. A pull Secret's
 * helpers are not run, as the kubelet runs none: a Secret holds its credentials itself.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isImageReferenceError, parseImageReference, registryOf } from '../../api/image-reference.ts'
import type { Secret } from '../../api/types.ts'
import type { Clock } from '../../platform/clock.ts'
import { envValue } from '../../platform/env.ts'
import { type HelperEnv, runCredentialHelper } from './credential-helper.ts'

export interface PullAuth {
  serveraddress: string
  username?: string
  password?: string
  identitytoken?: string
}

export interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  credsStore?: string
  credHelpers?: Record<string, string>
}

/** Why a pull has no credentials it should have had: the pull fails with this message. */
export interface CredentialProblem {
  problem: string
}

/** What a pull goes with: credentials, none (an anonymous pull), or a problem finding them. */
export type PullCredentials = PullAuth | CredentialProblem | undefined

export function isCredentialProblem(c: PullCredentials): c is CredentialProblem {
  return c !== undefined && 'problem' in c
}

/** Where a Docker config's credentials for one registry come from. */
export type CredentialSource =
  | { kind: 'auths'; auth: PullAuth }
  /** `docker-credential-<helper> get`, told `serverAddress`; `key` says which setting named it. */
  | { kind: 'helper'; helper: string; serverAddress: string; key: string }

/** A config key ("https://index.docker.io/v1/", "registry:5000", "https://ghcr.io") as a registry host. */
function registryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '')
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host
}

/** The image's registry host, undefined for a reference that does not parse. */
function registryOfImage(image: string): string | undefined {
  const ref = parseImageReference(image)
  return isImageReferenceError(ref) ? undefined : registryOf(ref)
}

/** What the docker CLI calls the registry in its config and tells a helper: Docker Hub by its old index URL. */
function serverAddressOf(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
}

/**
 * Where `config`'s credentials for `image` come from, as the docker CLI decides: the registry's
 * `credHelpers` entry, else `credsStore`, else its `auths` entry; undefined for none. A helper,
 * once named, is the only source (the CLI does not fall back to `auths`: with a store
 * configured, `docker login` leaves only empty entries there). Pure.
 *
 * | config                                               | image               | source                         |
 * | ---------------------------------------------------- | ------------------- | ------------------------------ |
 * | credHelpers { "ghcr.io": "gh" }, credsStore "pass"   | ghcr.io/org/app     | helper gh, "ghcr.io"           |
 * | credHelpers { "ghcr.io": "gh" }, credsStore "pass"   | nginx               | helper pass, Hub's index URL   |
 * | auths { "reg:5000": … }                              | reg:5000/app        | auths                          |
 */
export function credentialSource(config: DockerConfig, image: string): CredentialSource | undefined {
  const registry = registryOfImage(image)
  if (registry === undefined) return undefined
  const serverAddress = serverAddressOf(registry)
  const named = Object.entries(config.credHelpers ?? {}).find(([k, v]) => registryKey(k) === registry && v)
  if (named) return { kind: 'helper', helper: named[1], serverAddress, key: `credHelpers[${JSON.stringify(named[0])}]` }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverAddress, key: 'credsStore' }
  const auth = authFor(config, image)
  return auth ? { kind: 'auths', auth } : undefined
}

/** The credentials `config`'s `auths` hold for the registry `image` pulls from; undefined for none. Pure. */
export function authFor(config: DockerConfig, image: string): PullAuth | undefined {
  const registry = registryOfImage(image)
  if (registry === undefined) return undefined
  const entry = Object.entries(config.auths ?? {}).find(([k]) => registryKey(k) === registry)?.[1]
  if (!entry) return undefined
  const serveraddress = serverAddressOf(registry)
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

export interface CredentialsFromOptions {
  clock: Clock
  /** The helpers' environment (their PATH finds them); the daemon's own by default. */
  env?: HelperEnv
}

/**
 * Credentials for `image` from the Docker config at `file`, read at each call, running the
 * credential helper it names; none when the file is absent or unreadable. A helper that is
 * missing or fails is a problem naming it, the registry and the setting, and the pull fails
 * with it (the docker CLI fails such a pull too, rather than pulling anonymously).
 */
export function credentialsFrom(
  file: string,
  opts: CredentialsFromOptions,
): (image: string) => Promise<PullCredentials> {
  return async (image) => {
    let config: DockerConfig
    try {
      config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig
    } catch {
      return undefined
    }
    const source = credentialSource(config, image)
    if (source?.kind !== 'helper') return source?.auth
    const got = await runCredentialHelper(source.helper, source.serverAddress, opts)
    if ('error' in got)
      return {
        problem: `error getting credentials for ${source.serverAddress} from docker-credential-${source.helper} (${source.key} in ${file}): ${got.error}`,
      }
    return got.auth
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
