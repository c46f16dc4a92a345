/**
 * @module
 * Label selectors: kubectl's string form (`-l app=web,tier in (a,b)`) parsed into the
 * structured `LabelSelector` that Deployments and ReplicaSets carry, matching against a
 * label set, and rendering back the way kubectl prints a selector.
 *
 * Semantics follow apimachinery's labels package: `=`/`==` need the key present with that
 * value, `!=` and `notin` also match when the key is absent, a bare key means "exists",
 * `!key` means "does not exist", and requirements are ANDed. An empty selector `{}` matches
 * everything (callers that must treat "select all" as an error, like the Deployment
 * controller, check `isEmptySelector` themselves).
 */
import { BatonError } from '../errors/baton-error.ts'
import type { LabelSelector, LabelSelectorRequirement } from './types.ts'
import { labelValueErrors, qualifiedNameErrors } from './names.ts'

const SELECTOR_HINT =
  'Write a selector as kubectl does: app=web, tier!=db, env in (prod,staging), track notin (canary), ' +
  'a bare key (has the label) or !key (lacks it), joined by commas.'

// ---------------------------------------------------------------------------
// Parsing

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '!' | '!=' | '=' | '==' | '(' | ')' | ',' }
  | { kind: 'end'; text: '' }

// The lexer splits on whitespace and on the operator characters, like apimachinery's lexer:
// everything else (dots, slashes, dashes) belongs to an identifier.
const TOKEN_RE = /\s*(!=|==|[!=(),]|[^\s!=(),]+)/y

function tokenize(s: string): Token[] {
  const tokens: Token[] = []
  TOKEN_RE.lastIndex = 0
  for (;;) {
    const start = TOKEN_RE.lastIndex
    const m = TOKEN_RE.exec(s)
    if (!m) {
      if (s.slice(start).trim() !== '') throw badSelector(s, `unexpected text "${s.slice(start).trim()}"`)
      break
    }
    const text = m[1] ?? ''
    if (/^(!=|==|[!=(),])$/.test(text)) tokens.push({ kind: 'op', text: text as '!' })
    else tokens.push({ kind: 'id', text })
  }
  tokens.push({ kind: 'end', text: '' })
  return tokens
}

function badSelector(s: string, detail: string): BatonError {
  return new BatonError('BATON_BAD_REQUEST', `unable to parse label selector "${s}": ${detail}`, {
    hint: SELECTOR_HINT,
  })
}

const shown = (t: Token) => (t.kind === 'end' ? 'end of string' : `'${t.text}'`)

/**
 * Parses kubectl's selector syntax into a LabelSelector. `a=b` and `a==b` become matchLabels;
 * `a!=b` becomes `NotIn [b]` (same meaning: absent keys match). An empty string selects all.
 *
 * parseSelector('app=web,tier in (a,b),!canary')
 *   -> { matchLabels: {app: 'web'}, matchExpressions: [{key:'tier',operator:'In',values:['a','b']},
 *                                                      {key:'canary',operator:'DoesNotExist'}] }
 */
export function parseSelector(s: string): LabelSelector {
  const tokens = tokenize(s)
  let i = 0
  const peek = (): Token => tokens[i] ?? { kind: 'end', text: '' }
  const next = (): Token => tokens[i++] ?? { kind: 'end', text: '' }

  const matchLabels: Record<string, string> = {}
  const matchExpressions: LabelSelectorRequirement[] = []

  const checkKey = (key: string) => {
    const errs = qualifiedNameErrors(key)
    if (errs.length > 0) throw badSelector(s, `invalid label key "${key}": ${errs.join('; ')}`)
  }
  const checkValue = (value: string) => {
    const errs = labelValueErrors(value)
    if (errs.length > 0) throw badSelector(s, `invalid label value: "${value}": ${errs.join('; ')}`)
  }

  if (peek().kind === 'end') return {}
  for (;;) {
    let t = next()
    const negated = t.kind === 'op' && t.text === '!'
    if (negated) t = next()
    if (t.kind !== 'id') throw badSelector(s, `found ${shown(t)}, expected: identifier`)
    const key = t.text
    checkKey(key)

    const op = peek()
    if (negated || op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
      if (negated && op.kind !== 'end' && !(op.kind === 'op' && op.text === ',')) {
        throw badSelector(s, `found ${shown(op)}, expected: ',' or 'end of string'`)
      }
      matchExpressions.push({ key, operator: negated ? 'DoesNotExist' : 'Exists' })
    } else if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
      next()
      // `a=` (nothing before the next comma) selects the empty value, as in kubectl.
      const v = peek()
      let value = ''
      if (v.kind === 'id') value = next().text
      else if (!(v.kind === 'end' || v.text === ',')) throw badSelector(s, `found ${shown(v)}, expected: identifier`)
      checkValue(value)
      if (op.text === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] })
      else if (key in matchLabels && matchLabels[key] !== value) {
        // Two different equalities on one key select nothing; keep both so that stays true.
        matchExpressions.push({ key, operator: 'In', values: [value] })
      } else matchLabels[key] = value
    } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
      next()
      const open = next()
      if (!(open.kind === 'op' && open.text === '(')) throw badSelector(s, `found ${shown(open)}, expected: '('`)
      const values: string[] = []
      for (;;) {
        const v = next()
        if (v.kind === 'op' && v.text === ')' && values.length === 0) break
        if (v.kind !== 'id') throw badSelector(s, `found ${shown(v)}, expected: identifier`)
        checkValue(v.text)
        if (!values.includes(v.text)) values.push(v.text)
        const sep = next()
        if (sep.kind === 'op' && sep.text === ')') break
        if (!(sep.kind === 'op' && sep.text === ',')) throw badSelector(s, `found ${shown(sep)}, expected: ',' or ')'`)
      }
      if (values.length === 0) throw badSelector(s, `for 'in', 'notin' operators, values set can't be empty`)
      matchExpressions.push({ key, operator: op.text === 'in' ? 'In' : 'NotIn', values })
    } else {
      throw badSelector(s, `found ${shown(op)}, expected: '=', '!=', '==', 'in', 'notin'`)
    }

    const sep = next()
    if (sep.kind === 'end') break
    if (!(sep.kind === 'op' && sep.text === ','))
      throw badSelector(s, `found ${shown(sep)}, expected: ',' or 'end of string'`)
  }

  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  }
}

// ---------------------------------------------------------------------------
// Matching and rendering

/** True when the selector has no requirement at all (and so selects every object). */
export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0
}

function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key)
  const values = req.values ?? []
  switch (req.operator) {
    case 'In':
      return has && values.includes(labels[req.key] as string)
    case 'NotIn':
      return !has || !values.includes(labels[req.key] as string)
    case 'Exists':
      return has
    case 'DoesNotExist':
      return !has
  }
}

/** matchLabels AND matchExpressions; `{}` matches everything, missing labels count as none. */
export function matchesSelector(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {}
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!Object.hasOwn(set, k) || set[k] !== v) return false
  }
  return (sel.matchExpressions ?? []).every((req) => requirementMatches(req, set))
}

/**
 * kubectl's rendering (apimachinery LabelSelectorAsSelector(...).String()): requirements sorted
 * by key, set values sorted, matchLabels as `k=v`. `{}` renders as "".
 *
 * selectorToString({matchLabels:{tier:'web',app:'x'}, matchExpressions:[{key:'env',operator:'In',values:['b','a']}]})
 *   -> "app=x,env in (a,b),tier=web"
 */
export function selectorToString(sel: LabelSelector): string {
  const parts: Array<{ key: string; text: string }> = []
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) parts.push({ key, text: `${key}=${value}` })
  for (const req of sel.matchExpressions ?? []) {
    const values = [...new Set(req.values ?? [])].sort().join(',')
    const text =
      req.operator === 'In'
        ? `${req.key} in (${values})`
        : req.operator === 'NotIn'
          ? `${req.key} notin (${values})`
          : req.operator === 'Exists'
            ? req.key
            : `!${req.key}`
    parts.push({ key: req.key, text })
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',')
}
