/**
 * @module
 * Docker image references, parsed with the grammar of distribution/reference (what the engine
 * and the kubelet parse): `[DOMAIN[:PORT]/]PATH[:TAG][@DIGEST]`, path components lower-case.
 * A reference that does not parse is what the kubelet reports as InvalidImageName; Baton
 * refuses it at apply instead, naming the field. The registry a reference pulls from decides
 * which credentials of a Docker config apply (`registryOf`). Pure.
 */

export interface ImageReference {
  /** The registry host (and port), when the reference names one. */
  domain?: string
  /** The repository path, e.g. library/nginx or bebullish/demo. */
  path: string
  tag?: string
  digest?: string
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
)
const NAME_TOTAL_LENGTH_MAX = 255

/** The Docker Hub, as Docker configs key it. */
export const DOCKER_HUB_REGISTRY = 'docker.io'

/**
 * The reference, or why it is not one (distribution/reference's wording). A first component
 * without "." or ":" that is not "localhost" is a path on Docker Hub, not a domain, as the
 * engine reads it.
 */
export function parseImageReference(ref: string): ImageReference | { error: string } {
  if (ref === '') return { error: 'repository name must have at least one component' }
  const m = REFERENCE.exec(ref)
  if (!m) {
    const lower = ref.toLowerCase()
    if (lower !== ref && REFERENCE.test(lower)) return { error: 'repository name must be lowercase' }
    return { error: 'invalid reference format' }
  }
  let [, domain, path = '', tag, digest] = m
  if (domain !== undefined && !/[.:]/.test(domain) && domain !== 'localhost') {
    if (domain !== domain.toLowerCase()) return { error: 'repository name must be lowercase' }
    path = `${domain}/${path}`
    domain = undefined
  }
  if ((domain ? domain.length + 1 : 0) + path.length > NAME_TOTAL_LENGTH_MAX)
    return { error: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters` }
  return {
    ...(domain !== undefined ? { domain } : {}),
    path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  }
}

export function isImageReferenceError(r: ImageReference | { error: string }): r is { error: string } {
  return 'error' in r
}

/** The registry a reference pulls from: its domain, else Docker Hub. */
export function registryOf(ref: ImageReference): string {
  return ref.domain ?? DOCKER_HUB_REGISTRY
}
