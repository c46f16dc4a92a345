/**
 * @module
 * Making sure a container's image is in the engine, per imagePullPolicy, as the kubelet does:
 * Never uses what is there (absent: ErrImageNeverPull), IfNotPresent pulls only when absent,
 * Always pulls every time (through the engine, which resolves the reference and reuses the
 * layers it has). A failed pull is ErrImagePull; the caller backs off (ImagePullBackOff).
 * The image's content digest (the engine's image ID, sha256:…) is the container's imageID.
 */
import type { PullPolicy } from './container-config.ts'
import { type Engine, statusCode } from './engine.ts'
import type { PullAuth } from './registry-auth.ts'

export type ImageResult = { imageID: string; pulled: boolean }
export type ImageProblem = { reason: 'ErrImagePull' | 'ErrImageNeverPull'; message: string }

export function isImageProblem(r: object): r is ImageProblem {
  return 'reason' in r
}

/**
 * `credentials` is asked only when a pull is due (a helper is not run for an image that is
 * there); a problem it answers is the pull's failure.
 */
export async function ensureImage(
  engine: Engine,
  image: string,
  policy: PullPolicy,
  credentials: () => Promise<PullAuth | ImageProblem | undefined> = async () => undefined,
): Promise<ImageResult | ImageProblem> {
  const present = await imageID(engine, image)
  if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
    if (present) return { imageID: present, pulled: false }
    return {
      reason: 'ErrImageNeverPull',
      message: `Container image "${image}" is not present with pull policy of Never`,
    }
  }
  const auth = await credentials()
  if (auth && isImageProblem(auth)) return auth
  try {
    const stream = await engine.pull(image, auth ? { authconfig: auth } : {})
    await new Promise<void>((resolve, reject) =>
      engine.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error
        if (failed) reject(new Error(failed))
        else resolve()
      }),
    )
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    // Always with the image present but the registry unreachable: the kubelet fails the pull too.
    return { reason: 'ErrImagePull', message: message.replace(/^\(HTTP code \d+\) [a-z ]+- /, '') }
  }
  const id = await imageID(engine, image)
  if (!id) return { reason: 'ErrImagePull', message: `image "${image}" is not in the engine after its pull` }
  return { imageID: id, pulled: true }
}

/** The image's ID, undefined when the engine has no such image; an engine that does not answer throws (no ErrImagePull for that). */
async function imageID(engine: Engine, image: string): Promise<string | undefined> {
  try {
    return (await engine.getImage(image).inspect()).Id
  } catch (err) {
    if (statusCode(err) === 404) return undefined
    throw err
  }
}

/** The image's USER ("" when it names none: root), for runAsNonRoot (security.ts). */
export async function imageUser(engine: Engine, image: string): Promise<string> {
  return (await engine.getImage(image).inspect()).Config?.User ?? ''
}
