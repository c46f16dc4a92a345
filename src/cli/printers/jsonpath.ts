/**
 * @module
 * kubectl's JSONPath: the template dialect of `-o jsonpath=`, `custom-columns`, `--sort-by` and
 * `wait --for=jsonpath=`, ported from client-go's util/jsonpath (parser.go, jsonpath.go).
 *
 * It is not standard JSONPath, which is why no npm JSONPath library is used: it is a *text
 * template* (`name: {.metadata.name}{"\n"}`), with `{range …}{end}` loops, quoted literals, unions
 * `[a,b]`, filters `[?(@.type=="Ready")]` compared by Go's template rules, missing keys printed as
 * nothing, maps and lists printed as compact JSON with sorted keys, and several results of one
 * action joined by a space. jsonpath-plus and jsonpath implement RFC 9535-style queries and return
 * arrays; neither parses `{range}`, text between actions or kubectl's printing.
 *
 *   executeJsonPath('{range .items[*]}{.metadata.name}{"\n"}{end}', list) -> 'web\napi\n'
 *   executeJsonPath('{.items[?(@.spec.replicas>2)].metadata.name}', list) -> 'web'
 *
 * Pure: templates and plain JSON values in, text out. Errors are BatonErrors: BATON_USAGE for a
 * template that does not parse, BATON_BAD_REQUEST for one that fails on the object.
 */
import { BatonError } from '../../errors/baton-error.ts'

interface ListNode {
  type: 'list'
  nodes: Node[]
}
interface Param {
  known: boolean
  value: number
  derived: boolean
}
type Node =
  | ListNode
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'identifier'; name: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'array'; params: [Param, Param, Param] }
  | { type: 'filter'; left: ListNode; right: ListNode; op: string }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; lists: ListNode[] }

const parseError = (template: string, message: string): BatonError =>
  new BatonError('BATON_USAGE', `error parsing jsonpath ${template}, ${message}`, {
    hint: 'Write a template as kubectl does, e.g. {.metadata.name} or {range .items[*]}{.metadata.name}{"\\n"}{end}',
  })

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t'
const isEndOfLine = (c: string | undefined): boolean => c === '\r' || c === '\n'
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && (c === '_' || /^[\p{L}\p{Nd}]$/u.test(c))
const isTerminator = (c: string | undefined): boolean =>
  c === undefined || isSpace(c) || isEndOfLine(c) || ['.', ',', '[', ']', '$', '@', '{', '}'].includes(c)

/** Go's strconv unquoting, for "…" and '…' literals: the escapes a template uses. */
function unquote(s: string): string {
  const body = s.slice(1, -1)
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    '"': '"',
    "'": "'",
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '0': '\0',
  }
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_whole, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16))
    const out = escapes[e]
    if (out === undefined) throw new Error(`unquote string ${s} error invalid syntax`)
    return out
  })
}

class Parser {
  readonly root: ListNode = { type: 'list', nodes: [] }
  #input = ''
  #pos = 0
  #start = 0

  constructor(text: string) {
    this.#input = text
    this.#parseText(this.root)
  }

  #consume(): string {
    const value = this.#input.slice(this.#start, this.#pos)
    this.#start = this.#pos
    return value
  }
  #next(): string | undefined {
    if (this.#pos >= this.#input.length) return undefined
    return this.#input[this.#pos++]
  }
  #peek(): string | undefined {
    return this.#input[this.#pos]
  }
  #rest(): string {
    return this.#input.slice(this.#pos)
  }

  #parseText(cur: ListNode): void {
    for (;;) {
      if (this.#rest().startsWith('{')) {
        if (this.#pos > this.#start) cur.nodes.push({ type: 'text', text: this.#consume() })
        this.#pos += 1
        this.#consume()
        const action: ListNode = { type: 'list', nodes: [] }
        cur.nodes.push(action)
        this.#parseInsideAction(action)
        continue
      }
      if (this.#next() === undefined) break
    }
    if (this.#pos > this.#start) cur.nodes.push({ type: 'text', text: this.#consume() })
  }

  /** Reads one action up to its `}`; the Go parser recurses per token, this loops. */
  #parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.#rest()
      if (rest.startsWith('}')) {
        this.#pos += 1
        this.#consume()
        return
      }
      if (rest.startsWith('[?(')) {
        this.#parseFilter(cur)
        continue
      }
      if (rest.startsWith('..')) {
        const last = cur.nodes[cur.nodes.length - 1]
        if (last?.type === 'recursive') throw new Error('invalid multiple recursive descent')
        this.#pos += 2
        this.#consume()
        cur.nodes.push({ type: 'recursive' })
        if (isAlphaNumeric(this.#peek())) this.#parseField(cur)
        continue
      }
      const r = this.#next()
      if (r === undefined || isEndOfLine(r)) throw new Error('unclosed action')
      if (r === ' ' || r === '@' || r === '$') this.#consume()
      else if (r === '[') this.#parseArray(cur)
      else if (r === '"' || r === "'") this.#parseQuote(cur, r)
      else if (r === '.') this.#parseField(cur)
      else if (r === '+' || r === '-' || isDigit(r)) {
        this.#pos -= 1
        this.#parseNumber(cur)
      } else if (isAlphaNumeric(r)) {
        this.#pos -= 1
        this.#parseIdentifier(cur)
      } else
        throw new Error(
          `unrecognized character in action: U+${r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${r}'`,
        )
    }
  }

  #parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.#peek())) this.#pos++
    const value = this.#consume()
    cur.nodes.push(
      value === 'true' || value === 'false'
        ? { type: 'bool', value: value === 'true' }
        : { type: 'identifier', name: value },
    )
  }

  #parseNumber(cur: ListNode): void {
    if (this.#peek() === '+' || this.#peek() === '-') this.#pos++
    while (this.#peek() === '.' || isDigit(this.#peek())) this.#pos++
    const value = this.#consume()
    const n = Number(value)
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) || Number.isNaN(n)) throw new Error(`cannot parse number ${value}`)
    cur.nodes.push({ type: 'number', value: n })
  }

  #parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.#next()
      if (c === undefined || c === '\n') throw new Error('unterminated array')
      if (c === ']') break
    }
    let text = this.#consume().slice(1, -1)
    if (text === '*') text = ':'
    const parts = text.split(',')
    if (parts.length > 1) {
      cur.nodes.push({ type: 'union', lists: parts.map((p) => parseAction(`[${p.trim()}]`)) })
      return
    }
    const key = /^'([^']*)'$/.exec(text)
    if (key) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes)
      return
    }
    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text)
    if (!m) throw new Error(`invalid array index ${text}`)
    const raw = [m[1] ?? '', m[2] ?? '', m[3] ?? '']
    const params = raw.map((v, i): Param => {
      if (v !== '') {
        const digits = i > 0 ? v.slice(1) : v
        if (i > 0 && digits === '') return { known: false, value: 0, derived: false }
        const n = Number(digits)
        if (!Number.isInteger(n)) throw new Error(`array index ${digits} is not a number`)
        return { known: true, value: n, derived: false }
      }
      return { known: false, value: 0, derived: false }
    }) as [Param, Param, Param]
    // `[3]` means the slice [3:4]: the end is derived from the start.
    if (raw[1] === '') params[1] = { known: true, value: params[0].value + 1, derived: true }
    cur.nodes.push({ type: 'array', params })
  }

  #parseFilter(cur: ListNode): void {
    this.#pos += 3
    this.#consume()
    let begin = false
    let end = false
    let pair = ''
    for (;;) {
      const r = this.#next()
      if (r === undefined || r === '\n') throw new Error('unterminated filter')
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true
          pair = r
          continue
        }
        if (this.#input[this.#pos - 2] !== '\\' && r === pair) end = true
      } else if (r === ')' && begin === end) break
    }
    if (this.#next() !== ']') throw new Error('unclosed array expect ]')
    const text = this.#consume().slice(0, -2)
    const m = /^([^!<>=]+)([!<>=~]+)(.+?)$/.exec(text)
    if (!m)
      cur.nodes.push({ type: 'filter', left: parseAction(text), right: { type: 'list', nodes: [] }, op: 'exists' })
    else cur.nodes.push({ type: 'filter', left: parseAction(m[1]!), right: parseAction(m[3]!), op: m[2]! })
  }

  #parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const c = this.#next()
      if (c === undefined || c === '\n') throw new Error('unterminated quoted string')
      if (c === quote && this.#input[this.#pos - 2] !== '\\') break
    }
    cur.nodes.push({ type: 'text', text: unquote(this.#consume()) })
  }

  #parseField(cur: ListNode): void {
    this.#consume()
    for (;;) {
      const c = this.#peek()
      if (c === '\\') this.#pos += 2
      else if (isTerminator(c)) break
      else this.#pos++
    }
    const value = this.#consume()
    cur.nodes.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replaceAll('\\', '') })
  }
}

/** The nodes of one action's text (`[…]` parts, filter sides), as client-go's parseAction. */
function parseAction(text: string): ListNode {
  const first = new Parser(`{${text}}`).root.nodes[0]
  return first?.type === 'list' ? first : { type: 'list', nodes: [] }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Json = unknown
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNil = (v: Json): boolean => v === null || v === undefined

/** Go's name for a JSON value's type, as client-go's messages print it. */
function goType(v: Json): string {
  if (Array.isArray(v)) return '[]interface {}'
  if (isObject(v)) return 'map[string]interface {}'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64'
  if (typeof v === 'string' || typeof v === 'boolean') return typeof v === 'string' ? 'string' : 'bool'
  return 'interface {}'
}

class ExecError extends Error {}

class Evaluator {
  #beginRange = 0
  #inRange = 0
  #endRange = 0
  #lastEndNode = -1
  readonly #root: Node[]
  readonly #allowMissingKeys: boolean

  constructor(root: Node[], allowMissingKeys: boolean) {
    this.#root = root
    this.#allowMissingKeys = allowMissingKeys
  }

  /**
   * client-go's FindResults over the root's nodes from `from`: one result list per action; a
   * `{range}` runs the nodes after it once per value, up to its `{end}`.
   */
  findResults(data: Json, from = 0): Json[][] {
    const full: Json[][] = []
    for (let i = from; i < this.#root.length; i++) {
      const results = this.#walk([data], this.#root[i]!)
      if (this.#endRange > 0 && this.#endRange <= this.#inRange) {
        this.#endRange--
        this.#lastEndNode = i
        break
      }
      if (this.#beginRange > 0) {
        this.#beginRange--
        this.#inRange++
        if (results.length > 0) for (const value of results) full.push(...this.findResults(value, i + 1))
        else this.findResults(undefined, i + 1) // only to find the matching {end}
        this.#inRange--
        for (let k = i + 1; k < this.#root.length; k++) {
          if (k === this.#lastEndNode) {
            i = k
            break
          }
        }
        continue
      }
      full.push(results)
    }
    return full
  }

  #walk(input: Json[], node: Node): Json[] {
    switch (node.type) {
      case 'list':
        return node.nodes.reduce((cur, n) => this.#walk(cur, n), input)
      case 'text':
        return [node.text]
      case 'field':
        return this.#field(input, node.name)
      case 'array':
        return this.#array(input, node.params)
      case 'filter':
        return this.#filter(input, node)
      case 'number':
      case 'bool':
        return input.map(() => node.value)
      case 'wildcard':
        return input.flatMap((v) => (isNil(v) ? [] : children(v)))
      case 'recursive':
        return this.#recursive(input)
      case 'union':
        return node.lists.flatMap((l) => this.#walk(input, l))
      case 'identifier':
        if (node.name === 'range') {
          this.#beginRange++
          return input
        }
        if (node.name === 'end') {
          if (this.#inRange === 0) throw new ExecError('not in range, nothing to end')
          this.#endRange++
          return []
        }
        throw new ExecError(`unrecognized identifier ${node.name}`)
    }
  }

  #field(input: Json[], name: string): Json[] {
    const results: Json[] = []
    if (input.length === 0) return results
    for (const v of input) if (isObject(v) && Object.hasOwn(v, name)) results.push(v[name])
    if (results.length === 0 && !this.#allowMissingKeys) throw new ExecError(`${name} is not found`)
    return results
  }

  #array(input: Json[], p: [Param, Param, Param]): Json[] {
    const result: Json[] = []
    for (const v of input) {
      if (isNil(v)) continue
      if (!Array.isArray(v)) throw new ExecError(`${goType(v)} is not array or slice`)
      const len = v.length
      let start = p[0].known ? p[0].value : 0
      if (start < 0) start += len
      let end = p[1].known ? p[1].value : len
      if (end < 0 || (end === 0 && p[1].derived)) end += len
      if (end === start) return result
      if (start >= len || start < 0) throw new ExecError(`array index out of bounds: index ${start}, length ${len}`)
      if (end > len || end < 0) throw new ExecError(`array index out of bounds: index ${end - 1}, length ${len}`)
      if (start > end) throw new ExecError(`starting index ${start} is greater than ending index ${end}`)
      let step = 1
      if (p[2].known) {
        if (p[2].value <= 0) throw new ExecError('step must be > 0')
        step = p[2].value
      }
      const slice = v.slice(start, end)
      for (let i = 0; i < slice.length; i += step) result.push(slice[i])
    }
    return result
  }

  #recursive(input: Json[]): Json[] {
    const result: Json[] = []
    for (const v of input) {
      if (isNil(v)) continue
      const kids = children(v)
      if (kids.length > 0) result.push(v, ...this.#recursive(kids))
    }
    return result
  }

  #filter(input: Json[], node: Extract<Node, { type: 'filter' }>): Json[] {
    const results: Json[] = []
    for (const v of input) {
      if (!Array.isArray(v)) throw new ExecError(`${goValue(v)} is not array or slice and cannot be filtered`)
      for (const item of v) {
        let lefts: Json[]
        try {
          lefts = this.#walk([item], node.left)
        } catch (err) {
          if (node.op === 'exists') continue
          throw err
        }
        if (node.op === 'exists') {
          if (lefts.length > 0) results.push(item)
          continue
        }
        // A missing field on the left does not match (kubectl's filters skip such items).
        if (lefts.length === 0) continue
        if (lefts.length > 1) throw new ExecError('can only compare one element at a time')
        const rights = this.#walk([item], node.right)
        if (rights.length === 0) continue
        if (rights.length > 1) throw new ExecError('can only compare one element at a time')
        if (compare(lefts[0], rights[0], node.op)) results.push(item)
      }
    }
    return results
  }
}

function children(v: Json): Json[] {
  if (Array.isArray(v)) return v
  if (isObject(v)) return Object.values(v)
  if (typeof v === 'string') return [...v].map((c) => c.codePointAt(0)!)
  return []
}

/** Go text/template's eq/ne/lt/le/gt/ge: basic values of one kind only. */
function compare(left: Json, right: Json, op: string): boolean {
  const kind = (v: Json): string =>
    typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? typeof v : 'other'
  const [kl, kr] = [kind(left), kind(right)]
  if (op === '==' || op === '!=') {
    if (kl === 'other' || kr === 'other') throw new ExecError('invalid type for comparison')
    if (kl !== kr) throw new ExecError('incompatible types for comparison')
    return (left === right) === (op === '==')
  }
  if (!['<', '>', '<=', '>='].includes(op)) throw new ExecError(`unrecognized filter operator ${op}`)
  if (kl === 'other' || kl === 'boolean' || kr === 'other' || kr === 'boolean')
    throw new ExecError('invalid type for comparison')
  if (kl !== kr) throw new ExecError('incompatible types for comparison')
  const [a, b] = [left as number | string, right as number | string]
  return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b
}

// ---------------------------------------------------------------------------------------------
// Printing, as Go prints the values of an unstructured object

/** Go's %v of a float64 (strconv 'g', shortest: exponent form from 1e6 on); integers as integers. */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString()
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'
  const [mantissa = '', expText = '0'] = n.toExponential().split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  return String(n)
}

/** Go's encoding/json of a decoded value: compact, map keys sorted, <>& escaped. */
export function goJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`
  if (isObject(v)) {
    const keys = Object.keys(v).sort()
    return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(',')}}`
  }
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  }
  return v === undefined ? 'null' : JSON.stringify(v)
}

/** Go's fmt %v of a decoded value: `map[a:1 b:x]`, `[a b]`, `<nil>` (custom-columns cells). */
export function goValue(v: Json): string {
  if (isNil(v)) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goValue(v[k])}`)
      .join(' ')}]`
  }
  if (typeof v === 'number') return goNumber(v)
  return String(v)
}

/** How a JSONPath result prints: maps and lists as JSON, the rest as Go's fmt.Fprint. */
function resultText(v: Json): string {
  if (Array.isArray(v) || isObject(v)) return goJson(v)
  return goValue(v)
}

export interface JsonPathOptions {
  /** kubectl's --allow-missing-template-keys (default true): a missing key prints nothing. */
  allowMissingKeys?: boolean
}

/** A parsed template, reusable across objects (`get -w` prints one object per change). */
export interface JsonPath {
  readonly template: string
  /** One list of values per action, as client-go's FindResults. */
  findResults(data: Json): Json[][]
  /** The template's text for `data`. */
  execute(data: Json): string
}

export function parseJsonPath(template: string, opts: JsonPathOptions = {}): JsonPath {
  let root: ListNode
  try {
    root = new Parser(template).root
  } catch (err) {
    throw parseError(template, (err as Error).message)
  }
  const allow = opts.allowMissingKeys ?? true
  const findResults = (data: Json): Json[][] => {
    try {
      return new Evaluator(root.nodes, allow).findResults(data)
    } catch (err) {
      if (!(err instanceof ExecError)) throw err
      throw new BatonError(
        'BATON_BAD_REQUEST',
        `error executing jsonpath ${JSON.stringify(template)}: ${err.message}`,
        {
          hint: 'Check the template against the object with -o json',
        },
      )
    }
  }
  return {
    template,
    findResults,
    execute: (data) =>
      findResults(data)
        .map((results) => results.map(resultText).join(' '))
        .join(''),
  }
}

/** One-shot `parseJsonPath(template).execute(data)`. */
export function executeJsonPath(template: string, data: Json, opts: JsonPathOptions = {}): string {
  return parseJsonPath(template, opts).execute(data)
}

/**
 * kubectl's RelaxedJSONPathExpression, for custom-columns and --sort-by: `metadata.name`,
 * `.metadata.name`, `{metadata.name}` and `{.metadata.name}` all mean `{.metadata.name}`.
 */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr)
  if (!m) {
    throw new BatonError(
      'BATON_USAGE',
      `unexpected path string "${expr}", expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'`,
      {
        hint: 'Write the field as .metadata.name',
      },
    )
  }
  return `{.${m[1] ?? m[2]}}`
}
