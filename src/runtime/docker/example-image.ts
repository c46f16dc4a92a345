/**
 * @module
 * Builds the example app (examples/web) as the images `web:v1` and `web:v2` from files on this
 * machine only, through the engine's build API: no registry, no base image. The context is
 * examples/web/Dockerfile, the Node binary that runs Baton (copied to rootfs/usr/local/bin/node),
 * every shared library `ldd` says it loads (copied to the same absolute paths under rootfs/),
 * and the app folders v1/ and v2/. The Dockerfile starts FROM scratch and copies rootfs/ and
 * one version; the node layer is the same for both tags, so the engine keeps it once. Images
 * whose INPUTS_LABEL matches the inputs' digest are not built again.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { create } from 'tar'
import { connectEngine, type Engine, pingEngine } from './engine.ts'

export const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/web/', import.meta.url))

/** Absolute paths of the shared libraries (and the loader) `binary` links, from `ldd`. */
export function linkedLibraries(lddOutput: string): string[] {
  const paths = new Set<string>()
  for (const line of lddOutput.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)
    if (m?.[1]) paths.add(m[1])
  }
  return [...paths]
}

/** Writes the build context into a new temp dir and returns it (the caller removes it). */
export function exampleContext(nodeBinary: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-image-'))
  const rootfs = join(dir, 'rootfs')
  const put = (from: string, to: string) => {
    mkdirSync(dirname(join(rootfs, to)), { recursive: true })
    copyFileSync(from, join(rootfs, to)) // follows symlinks: the library itself, under its linked name
  }
  put(nodeBinary, '/usr/local/bin/node')
  for (const lib of linkedLibraries(execFileSync('ldd', [nodeBinary], { encoding: 'utf8' }))) put(lib, lib)
  mkdirSync(join(rootfs, 'tmp'))
  copyFileSync(join(EXAMPLE_DIR, 'Dockerfile'), join(dir, 'Dockerfile'))
  for (const v of ['v1', 'v2']) cpSync(join(EXAMPLE_DIR, v), join(dir, v), { recursive: true })
  return dir
}

/** Label on a built image: the digest of what went into it, so an unchanged image is not built again. */
export const INPUTS_LABEL = 'baton.example-inputs'

/** The Dockerfile, the app's files and the Node binary's version, hashed. */
export function exampleInputsDigest(nodeVersion: string): string {
  const h = createHash('sha256').update(nodeVersion)
  h.update(readFileSync(join(EXAMPLE_DIR, 'Dockerfile')))
  for (const v of ['v1', 'v2']) {
    for (const f of readdirSync(join(EXAMPLE_DIR, v)).sort())
      h.update(`${v}/${f}\0`).update(readFileSync(join(EXAMPLE_DIR, v, f)))
  }
  return h.digest('hex')
}

export interface BuiltImage {
  tag: string
  /** The image's content digest (sha256:…), what a pod's imageID reports. */
  id: string
}

/** Builds `web:<version>` for each version through the engine; resolves once every build is done. */
export async function buildExampleImages(
  engine: Engine,
  opts: { versions?: readonly string[]; nodeBinary: string; nodeVersion: string; repository?: string },
): Promise<BuiltImage[]> {
  const inputs = exampleInputsDigest(opts.nodeVersion)
  const versions = opts.versions ?? ['v1', 'v2']
  const tagOf = (version: string) => `${opts.repository ?? 'web'}:${version}`
  const existing = await Promise.all(
    versions.map((v) =>
      engine
        .getImage(tagOf(v))
        .inspect()
        .then((i) => (i.Config.Labels?.[INPUTS_LABEL] === inputs ? { tag: tagOf(v), id: i.Id } : undefined))
        .catch(() => undefined),
    ),
  )
  if (existing.every((e) => e !== undefined)) return existing as BuiltImage[]
  const context = exampleContext(opts.nodeBinary)
  try {
    const built: BuiltImage[] = []
    for (const version of versions) {
      const tag = tagOf(version)
      const tarball = create({ cwd: context, portable: true }, ['.'])
      const stream = await engine.buildImage(tarball as unknown as NodeJS.ReadableStream, {
        t: tag,
        buildargs: { VERSION: version },
        labels: { [INPUTS_LABEL]: inputs },
        rm: true,
      })
      await new Promise<void>((resolve, reject) =>
        engine.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
          const failed = err ?? out.find((o) => o.error)?.error
          if (failed) reject(failed instanceof Error ? failed : new Error(`building ${tag}: ${failed}`))
          else resolve()
        }),
      )
      const info = await engine.getImage(tag).inspect()
      built.push({ tag, id: info.Id })
    }
    return built
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}

/**
 * web:v1 and web:v2 built on the engine at `dockerHost` (else the machine's default socket)
 * from this machine's Node binary: what `baton demo --runtime docker` runs.
 */
export async function buildExampleImagesOn(dockerHost: string | undefined): Promise<BuiltImage[]> {
  const engine = connectEngine(dockerHost)
  await pingEngine(engine, dockerHost)
  return buildExampleImages(engine, { nodeBinary: process.execPath, nodeVersion: process.version })
}
