/**
 * @module
 * The sources of kubectl's `create configmap` and `create secret generic`: `--from-literal=KEY=VALUE`,
 * `--from-file=[KEY=]PATH` (a directory gives one key per regular file in it) and
 * `--from-env-file=PATH` (KEY=VALUE lines, # comments), read into keyed values. A key that is
 * not a valid config key, or given twice, is refused before anything is sent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { configKeyErrors } from '../../api/names.ts'
import { BatonError } from '../../errors/baton-error.ts'
import { usageError } from '../command.ts'

export interface ConfigSources {
  literals: string[]
  files: string[]
  envFiles: string[]
}

function readSource(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new BatonError('BATON_USAGE', `error reading ${path}: ${(err as Error).message}`, {
      hint: 'Check the path given to --from-file / --from-env-file',
      cause: err,
    })
  }
}

/** A key and its value: text from a literal or an env file, bytes from a file. */
export type KeyedValue = readonly [key: string, value: string | Buffer]

/** Every source's keyed values, in order: literals, files, env files. `kind` names the object in errors. */
export function readConfigSources(kind: 'ConfigMap' | 'Secret', name: string, src: ConfigSources): KeyedValue[] {
  const out: KeyedValue[] = []
  const seen = new Set<string>()
  const add = (key: string, value: string | Buffer): void => {
    const errs = configKeyErrors(key)
    if (errs.length > 0)
      throw usageError(
        `"${key}" is not a valid key name for a ${kind}: ${errs.join('; ')}`,
        'Name it with --from-file=KEY=PATH',
      )
    if (seen.has(key)) {
      throw usageError(
        `cannot add key "${key}", another key by that name already exists in Data for ${kind} "${name}"`,
        'Give each source its own key',
      )
    }
    seen.add(key)
    out.push([key, value])
  }
  for (const lit of src.literals) {
    const eq = lit.indexOf('=')
    if (eq <= 0) throw usageError(`invalid literal source ${lit}, expected key=value`)
    add(lit.slice(0, eq), lit.slice(eq + 1))
  }
  for (const spec of src.files) {
    const eq = spec.indexOf('=')
    const key = eq < 0 ? undefined : spec.slice(0, eq)
    const path = eq < 0 ? spec : spec.slice(eq + 1)
    if (key === '' || path === '') throw usageError(`key names or file paths cannot be empty: ${spec}`)
    let isDir = false
    try {
      isDir = statSync(path).isDirectory()
    } catch (err) {
      throw new BatonError('BATON_USAGE', `error reading ${path}: ${(err as Error).message}`, {
        hint: 'Check the path given to --from-file',
        cause: err,
      })
    }
    if (isDir) {
      if (key !== undefined) throw usageError(`cannot give a key name for a directory path: ${spec}`)
      for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (entry.isFile()) add(entry.name, readSource(join(path, entry.name)))
      }
    } else add(key ?? basename(path), readSource(path))
  }
  for (const file of src.envFiles) {
    const text = readSource(file).toString('utf8')
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/^\uFEFF/, '').trimStart()
      if (line === '' || line.startsWith('#')) return
      const eq = line.indexOf('=')
      if (eq <= 0) throw usageError(`${file}: line ${i + 1}: invalid env line "${raw}", expected KEY=VALUE`)
      add(line.slice(0, eq), line.slice(eq + 1))
    })
  }
  return out
}
