/**
 * @module
 * Manifest files: the text a user hands to `baton apply -f`, turned into plain objects.
 * YAML (any number of documents, `---` / `...` markers, comments) or JSON, like kubectl.
 * A `kind: List` (what `kubectl get -o yaml` prints for several objects) is flattened into its
 * items. Parsing only checks syntax and that each document is a mapping; `validate.ts`
 * decides whether the objects are acceptable.
 *
 * Only this module reads files: `parseManifests` is pure, `loadManifests` does the IO.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parseAllDocuments, type YAMLError } from 'yaml'
import { BatonError } from '../errors/baton-error.ts'
import type { KObject } from './types.ts'

const PARSE_HINT =
  'Check indentation (spaces only, never tabs) and quoting near that position; values that start with ' +
  '%, @, `, * or & must be quoted, e.g. maxUnavailable: "25%".'

/** File extensions kubectl reads from a directory. */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json'])

function parseError(source: string, err: YAMLError): BatonError {
  const pos = err.linePos?.[0]
  const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position'
  // The yaml package appends a code frame after the first line; the position says enough.
  const reason = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? err.code
  return new BatonError('BATON_MANIFEST_PARSE', `error parsing ${source}: ${where}: ${reason}`, {
    hint: PARSE_HINT,
    cause: err,
  })
}

function notAnObject(source: string, what: string, value: unknown): BatonError {
  const got = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`
  return new BatonError('BATON_MANIFEST_PARSE', `error parsing ${source}: ${what} is ${got}, not an object`, {
    hint: 'Each YAML document (or the JSON text) must be one object with apiVersion, kind and metadata.',
  })
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A `kind: List` or `kind: DeploymentList`-style object with items: kubectl applies each item. */
function isListObject(v: Record<string, unknown>): boolean {
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)
}

/**
 * Parses manifest text into objects, in document order. Empty documents (a lone `---`, only
 * comments) are skipped. JSON is parsed by the same YAML 1.2 parser, which accepts it as is.
 *
 * @param source names the input in error messages ("deploy.yaml", "STDIN").
 * @throws BatonError BATON_MANIFEST_PARSE naming source, line and column.
 */
export function parseManifests(text: string, source = '<input>'): KObject[] {
  // YAML 1.2 core schema: `on`/`yes` stay strings and timestamps stay strings, which is what
  // the Kubernetes types expect; merge keys (`<<: *base`) are accepted as sigs.k8s.io/yaml does.
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: true })
  const list = Array.isArray(docs) ? docs : [docs]
  const objects: KObject[] = []
  list.forEach((doc, index) => {
    const err = doc.errors[0]
    if (err) throw parseError(source, err)
    if (doc.contents === null) return
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    const what = list.length > 1 ? `document ${index + 1}` : 'the document'
    if (value === null || value === undefined) return
    if (!isRecord(value)) throw notAnObject(source, what, value)
    if (!isListObject(value)) {
      objects.push(value as unknown as KObject)
      return
    }
    const items = value.items as unknown[]
    items.forEach((item, i) => {
      if (!isRecord(item)) throw notAnObject(source, `${what} items[${i}]`, item)
      objects.push(item as unknown as KObject)
    })
  })
  return objects
}

/** The objects of text read from standard input (`-f -`); errors name the source "STDIN". */
export function loadManifestText(text: string, source = 'STDIN'): KObject[] {
  return parseManifests(text, source)
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Loads `-f PATH` as kubectl does: a file, a directory (its .yaml/.yml/.json files in name
 * order, not recursing into subdirectories) or `-` (standard input, read via `stdin`).
 *
 * @throws BatonError BATON_USAGE when the path does not exist, BATON_MANIFEST_PARSE on bad text.
 */
export async function loadManifests(path: string, stdin: () => Promise<string> = readStdin): Promise<KObject[]> {
  if (path === '-') return loadManifestText(await stdin())
  const info = await stat(path).catch(() => undefined)
  if (!info) {
    throw new BatonError('BATON_USAGE', `the path "${path}" does not exist`, {
      hint: 'Pass an existing file or directory to -f, or "-" to read manifests from standard input.',
    })
  }
  if (!info.isDirectory()) return parseManifests(await readFile(path, 'utf8'), path)
  const entries = await readdir(path, { withFileTypes: true })
  const files = entries
    .filter((e) => e.isFile() && MANIFEST_EXTENSIONS.has(extname(e.name)))
    .map((e) => e.name)
    .sort()
  const objects: KObject[] = []
  for (const name of files) {
    const file = join(path, name)
    objects.push(...parseManifests(await readFile(file, 'utf8'), file))
  }
  return objects
}
