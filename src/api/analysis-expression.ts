/**
 * @module
 * The conditions of an analysis metric (successCondition / failureCondition). Argo evaluates
 * them with expr-lang; Baton implements the part of that language analysis templates use and
 * refuses the rest at apply, so a condition never means something else here:
 *
 *   result < 0.05                      numbers, comparisons < <= > >= == !=
 *   result[0] >= 0.95                  a list element by index
 *   result.status == "ok"              an object's field ("..." or '...' strings)
 *   result > 10 && result < 100        && || !, and the words and / or / not, parentheses
 *   len(result) == 0 || result == true len() of a list, object or string; true, false, nil
 *
 * `result` is the measurement's value: a number for the baton provider, the JSON at jsonPath
 * for the web provider. A condition that is not true or false when evaluated, or compares a
 * number with a string, is an evaluation error (the measurement is Error, as in Argo).
 */

export type Expr =
  | { type: 'literal'; value: unknown }
  | { type: 'result' }
  | { type: 'index'; of: Expr; index: number }
  | { type: 'field'; of: Expr; name: string }
  | { type: 'len'; of: Expr }
  | { type: 'not'; of: Expr }
  | { type: 'logic'; op: '&&' | '||'; left: Expr; right: Expr }
  | { type: 'compare'; op: CompareOp; left: Expr; right: Expr }

type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!='

interface Token {
  kind: 'num' | 'str' | 'ident' | 'op'
  text: string
  value?: unknown
  at: number
}

const OPS = ['&&', '||', '<=', '>=', '==', '!=', '<', '>', '!', '(', ')', '[', ']', '.', '-']

/** Why `src` is not a condition Baton evaluates; thrown by parseCondition. */
export class ExpressionError extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const num = /^(\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(src.slice(i))
    if (num) {
      out.push({ kind: 'num', text: num[1]!, value: Number(num[1]), at: i })
      i += num[1]!.length
      continue
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1)
      if (end === -1) throw new ExpressionError(`unterminated string at column ${i + 1}`)
      const text = src.slice(i + 1, end)
      if (text.includes('\\')) throw new ExpressionError(`escapes in strings are not supported (column ${i + 1})`)
      out.push({ kind: 'str', text, value: text, at: i })
      i = end + 1
      continue
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))
    if (ident) {
      out.push({ kind: 'ident', text: ident[0], at: i })
      i += ident[0].length
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (!op) throw new ExpressionError(`unexpected ${JSON.stringify(c)} at column ${i + 1}`)
    out.push({ kind: 'op', text: op, at: i })
    i += op.length
  }
  return out
}

class Parser {
  #i = 0
  readonly #t: Token[]
  constructor(tokens: Token[]) {
    this.#t = tokens
  }

  parse(): Expr {
    if (this.#t.length === 0) throw new ExpressionError('the condition is empty')
    const e = this.#or()
    const rest = this.#t[this.#i]
    if (rest) throw new ExpressionError(`unexpected ${JSON.stringify(rest.text)} at column ${rest.at + 1}`)
    return e
  }

  #peek(): Token | undefined {
    return this.#t[this.#i]
  }

  #accept(...texts: string[]): Token | undefined {
    const t = this.#peek()
    if (t && (t.kind === 'op' || t.kind === 'ident') && texts.includes(t.text)) {
      this.#i++
      return t
    }
    return undefined
  }

  #expect(text: string): void {
    if (!this.#accept(text)) {
      const t = this.#peek()
      throw new ExpressionError(
        t ? `expected ${JSON.stringify(text)} at column ${t.at + 1}` : `expected ${JSON.stringify(text)} at the end`,
      )
    }
  }

  #or(): Expr {
    let left = this.#and()
    while (this.#accept('||', 'or')) left = { type: 'logic', op: '||', left, right: this.#and() }
    return left
  }

  #and(): Expr {
    let left = this.#not()
    while (this.#accept('&&', 'and')) left = { type: 'logic', op: '&&', left, right: this.#not() }
    return left
  }

  #not(): Expr {
    if (this.#accept('!', 'not')) return { type: 'not', of: this.#not() }
    return this.#compare()
  }

  #compare(): Expr {
    const left = this.#primary()
    const op = this.#accept('<', '<=', '>', '>=', '==', '!=')
    if (!op) return left
    return { type: 'compare', op: op.text as CompareOp, left, right: this.#primary() }
  }

  #primary(): Expr {
    const t = this.#peek()
    if (!t) throw new ExpressionError('the condition ends too early')
    this.#i++
    if (t.kind === 'num') return { type: 'literal', value: t.value }
    if (t.kind === 'str') return { type: 'literal', value: t.value }
    if (t.kind === 'op' && t.text === '-') {
      const n = this.#peek()
      if (n?.kind !== 'num') throw new ExpressionError(`"-" must be followed by a number (column ${t.at + 1})`)
      this.#i++
      return { type: 'literal', value: -(n.value as number) }
    }
    if (t.kind === 'op' && t.text === '(') {
      const e = this.#or()
      this.#expect(')')
      return e
    }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { type: 'literal', value: t.text === 'true' }
      if (t.text === 'nil') return { type: 'literal', value: null }
      if (t.text === 'result') return this.#accessors({ type: 'result' })
      if (t.text === 'len') {
        this.#expect('(')
        const of = this.#or()
        this.#expect(')')
        return { type: 'len', of }
      }
      throw new ExpressionError(
        `unknown name ${JSON.stringify(t.text)} at column ${t.at + 1}: Baton's conditions know result, len(), true, false and nil`,
      )
    }
    throw new ExpressionError(`unexpected ${JSON.stringify(t.text)} at column ${t.at + 1}`)
  }

  #accessors(e: Expr): Expr {
    for (;;) {
      if (this.#accept('[')) {
        const negative = this.#accept('-') !== undefined
        const n = this.#peek()
        if (n?.kind !== 'num' || !Number.isInteger(n.value)) {
          throw new ExpressionError('an index must be a whole number, e.g. result[0]')
        }
        this.#i++
        this.#expect(']')
        e = { type: 'index', of: e, index: negative ? -(n.value as number) : (n.value as number) }
      } else if (this.#accept('.')) {
        const n = this.#peek()
        if (n?.kind !== 'ident') throw new ExpressionError('a field name must follow "."')
        this.#i++
        e = { type: 'field', of: e, name: n.text }
      } else return e
    }
  }
}

/** Parses a condition; throws ExpressionError saying what is not understood. */
export function parseCondition(src: string): Expr {
  return new Parser(tokenize(src)).parse()
}

/** Why `src` is refused, or undefined when Baton evaluates it. */
export function conditionError(src: string): string | undefined {
  try {
    parseCondition(src)
    return undefined
  } catch (err) {
    if (err instanceof ExpressionError) return err.message
    throw err
  }
}

const typeName = (v: unknown): string => (v === null ? 'nil' : Array.isArray(v) ? 'list' : typeof v)

function value(e: Expr, result: unknown): unknown {
  switch (e.type) {
    case 'literal':
      return e.value
    case 'result':
      return result
    case 'index': {
      const of = value(e.of, result)
      if (!Array.isArray(of)) throw new ExpressionError(`cannot index a ${typeName(of)}`)
      const i = e.index < 0 ? of.length + e.index : e.index
      if (i < 0 || i >= of.length) throw new ExpressionError(`index ${e.index} out of range (len ${of.length})`)
      return of[i]
    }
    case 'field': {
      const of = value(e.of, result)
      if (of === null || typeof of !== 'object' || Array.isArray(of)) {
        throw new ExpressionError(`cannot read field ${e.name} of a ${typeName(of)}`)
      }
      return (of as Record<string, unknown>)[e.name] ?? null
    }
    case 'len': {
      const of = value(e.of, result)
      if (typeof of === 'string' || Array.isArray(of)) return of.length
      if (of !== null && typeof of === 'object') return Object.keys(of).length
      throw new ExpressionError(`len() of a ${typeName(of)}`)
    }
    case 'not':
      return !truth(value(e.of, result))
    case 'logic': {
      const left = truth(value(e.left, result))
      if (e.op === '&&') return left && truth(value(e.right, result))
      return left || truth(value(e.right, result))
    }
    case 'compare':
      return compare(e.op, value(e.left, result), value(e.right, result))
  }
}

function truth(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ExpressionError(`expected true or false, got a ${typeName(v)}`)
  return v
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  if (op === '==' || op === '!=') {
    const same = typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b
    if (a !== null && b !== null && typeof a !== typeof b) {
      throw new ExpressionError(`cannot compare a ${typeName(a)} with a ${typeName(b)}`)
    }
    return op === '==' ? same : !same
  }
  const ordered = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')
  if (!ordered) throw new ExpressionError(`cannot order a ${typeName(a)} and a ${typeName(b)} (${op})`)
  const x = a as number | string
  const y = b as number | string
  if (op === '<') return x < y
  if (op === '<=') return x <= y
  if (op === '>') return x > y
  return x >= y
}

/** Evaluates a parsed condition against a measurement's value; throws ExpressionError. */
export function evaluateCondition(e: Expr, result: unknown): boolean {
  return truth(value(e, result))
}
