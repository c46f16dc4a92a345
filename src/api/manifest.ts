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

/**
 * How many times one document may expand an alias (`*a`). Each alias copies its anchor's
 * whole value, so a few lines of nested aliases ("billion laughs") would expand to
 * gigabytes; real manifests use a handful (merge keys, shared env lists).
 */
export const MAX_ALIAS_COUNT = 100

/**
 * How deeply one document may nest mappings and lists. The deepest field of a Kubernetes
 * object is about 12 levels down (a probe's httpGet header in a Deployment's pod template);
 * anything far deeper is not a manifest, and would otherwise overflow the parser's stack.
 */
export const MAX_NESTING_DEPTH = 100

function tooDeep(source: string, what: string): BatonError {
  return new BatonError(
    'BATON_MANIFEST_PARSE',
    `error parsing ${source}: ${what} nests deeper than ${MAX_NESTING_DEPTH} levels`,
    {
      hint: `A manifest is a few levels of mappings and lists; flatten the document (Baton refuses nesting beyond ${MAX_NESTING_DEPTH} levels).`,
    },
  )
}

function tooManyAliases(source: string, what: string): BatonError {
  return new BatonError(
    'BATON_MANIFEST_PARSE',
    `error parsing ${source}: ${what} expands aliases beyond the limit of ${MAX_ALIAS_COUNT}`,
    {
      hint: 'Each *alias copies its &anchor; write the values out, or use fewer aliases of aliases.',
    },
  )
}

const isStackOverflow = (err: unknown): boolean =>
  err instanceof RangeError || (err instanceof Error && /Maximum call stack size exceeded/.test(err.message))

/** The nesting depth of a parsed value, stopping as soon as it passes `limit`. */
function deeperThan(v: unknown, limit: number): boolean {
  if (typeof v !== 'object' || v === null) return false
  if (limit === 0) return true
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (deeperThan(x, limit - 1)) return true
  return false
}

/**
 * The deepest run of flow collections (`[`, `{`) in the text, counted in one pass before the
 * parser sees it: the parser needs seconds and its whole stack to give up on 100,000 nested
 * brackets. A bracket opens a collection only where YAML lets one start (line start, after
 * `:`, `-`, `,`, `?` or another opener); quoted scalars and comments are skipped. Block
 * nesting needs one more column of indentation per level, so it cannot be cheap to inflate.
 */
export function flowDepth(text: string): number {
  let depth = 0
  let max = 0
  let prev = '\n'
  // Inside a plain (unquoted) scalar brackets are text; it ends at a line break, at ": ",
  // or inside a flow collection at "," "]" "}".
  let plain = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    const starts = prev === '\n' || ':-,?[{'.includes(prev)
    if (ch === '#' && /\s/.test(text[i - 1] ?? '\n')) {
      while (i < text.length && text[i] !== '\n') i++
      ;[prev, plain] = ['\n', false]
      continue
    }
    if (plain) {
      if (ch === '\n') [prev, plain] = ['\n', false]
      else if (ch === ':' && /\s/.test(text[i + 1] ?? '\n')) [prev, plain] = [':', false]
      else if (depth > 0 && ch === ',') [prev, plain] = [',', false]
      else if (depth > 0 && (ch === ']' || ch === '}')) [depth, prev, plain] = [depth - 1, ch, false]
      continue
    }
    if ((ch === '"' || ch === "'") && starts) {
      // Skip to the closing quote ('' escapes ' in single quotes, \ escapes in double quotes).
      for (i++; i < text.length; i++) {
        if (ch === '"' && text[i] === '\\') i++
        else if (text[i] === ch) {
          if (ch === "'" && text[i + 1] === "'") i++
          else break
        }
      }
      prev = ch
    } else if ((ch === '[' || ch === '{') && starts) {
      if (++depth > max) max = depth
      prev = ch
    } else if (ch === ']' || ch === '}') {
      if (depth > 0) depth--
      prev = ch
    } else if (ch === '\n') {
      prev = '\n'
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\r') {
      if (!':-,?'.includes(ch) || !/\s|,|]|}/.test(text[i + 1] ?? '\n')) plain = !starts ? plain : true
      prev = ch
    }
  }
  return max
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
  if (flowDepth(text) > MAX_NESTING_DEPTH) throw tooDeep(source, 'the text')
  let docs: ReturnType<typeof parseAllDocuments>
  try {
    docs = parseAllDocuments(text, { merge: true, prettyErrors: true })
  } catch (err) {
    if (isStackOverflow(err)) throw tooDeep(source, 'the text')
    throw err
  }
  const list = Array.isArray(docs) ? docs : [docs]
  const objects: KObject[] = []
  list.forEach((doc, index) => {
    const what = list.length > 1 ? `document ${index + 1}` : 'the document'
    const err = doc.errors[0]
    // The parser reports its own stack overflow as a syntax error at the point it gave up.
    if (err && isStackOverflow(err)) throw tooDeep(source, what)
    if (err) throw parseError(source, err)
    if (doc.contents === null) return
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
    } catch (e) {
      if (e instanceof ReferenceError && /alias count/i.test(e.message)) throw tooManyAliases(source, what)
      if (isStackOverflow(e)) throw tooDeep(source, what)
      throw e
    }
    if (deeperThan(value, MAX_NESTING_DEPTH)) throw tooDeep(source, what)
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
