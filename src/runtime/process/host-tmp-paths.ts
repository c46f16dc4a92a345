/**
 * @module
 * What a container needs from the host's /tmp once its own is mounted there (mount-namespace.ts):
 * the data directory (its copy of the artifact, its claims), its working directory, the
 * command's own directory, the install directory of the command's interpreter (its `#!` line,
 * `#!/usr/bin/env NAME` found on PATH) and every PATH directory under /tmp. A checkout cloned
 * under /tmp and run with its own Node (`.node/bin/node`) then starts as it does without a
 * private /tmp. An install directory is the parent of a `bin` directory (`.node` for
 * `.node/bin/node`: Node finds its own files beside its binary).
 *
 * Both the path as written and the one its symlinks resolve to are kept. Paths are reduced to
 * the outermost ones (a kept directory keeps what is below it); /tmp itself cannot be kept.
 */
import { delimiter, dirname, isAbsolute, resolve } from 'node:path'

export const HOST_TMP = '/tmp'

/** The file-system reads the choice needs (real ones in the runtime, a table in its test). */
export interface HostFiles {
  /** The path with its symlinks resolved; undefined when it does not exist. */
  realpath(path: string): string | undefined
  /** Whether the path is a file this process could execute. */
  isExecutable(path: string): boolean
  /** The interpreter and its first argument from a `#!` line; undefined without one. */
  shebang(path: string): string[] | undefined
}

export interface HostTmpInput {
  dataDir: string
  cwd: string
  /** The command as it will be executed: a path, or a name looked up on PATH. */
  command: readonly string[]
  /** The container's PATH. */
  pathEnv: string | undefined
}

export function hostTmpPaths(input: HostTmpInput, files: HostFiles): string[] {
  const dirs = (input.pathEnv ?? '').split(delimiter).filter((d) => isAbsolute(d))
  const find = (file: string): string | undefined => {
    if (file.includes('/')) return resolve(input.cwd, file)
    for (const d of dirs) if (files.isExecutable(resolve(d, file))) return resolve(d, file)
    return undefined
  }
  const wanted = [input.dataDir, input.cwd, ...dirs.map(installDir)]
  // A file right in /tmp is kept alone: /tmp itself is the one path that cannot be.
  const fileOrDir = (f: string) => (dirname(f) === HOST_TMP ? f : dirname(f))
  const [file] = input.command
  const program = file ? find(file) : undefined
  if (program) {
    wanted.push(fileOrDir(program))
    const [interpreter, arg] = files.shebang(program) ?? []
    const named = interpreter?.endsWith('/env') && arg ? find(arg) : interpreter
    if (named && isAbsolute(named)) wanted.push(installDir(fileOrDir(named)))
  }
  const kept = new Set<string>()
  for (const p of wanted) {
    for (const q of [resolve(p), files.realpath(p)]) if (q && underTmp(q)) kept.add(q)
  }
  return outermost([...kept])
}

/** `.node` for `.node/bin`; any other path as it is. */
function installDir(path: string): string {
  if (!path.endsWith('/bin')) return path
  const up = dirname(path)
  return underTmp(up) ? up : path
}

const underTmp = (p: string) => p.startsWith(`${HOST_TMP}/`)

function outermost(paths: string[]): string[] {
  const sorted = [...paths].sort()
  return sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}/`)))
}
