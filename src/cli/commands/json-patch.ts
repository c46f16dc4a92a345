/**
 * @module
 * JSON Patch (RFC 6902), `baton patch --type json`: a list of operations, each applied in turn
 * to the result of the one before; any failing operation fails the whole patch and nothing is
 * written. Paths are JSON Pointers (RFC 6901: `/spec/template/spec/containers/0/image`, `~1`
 * for `/`, `~0` for `~`, `-` for the end of a list).
 *
 * Hand-written rather than a dependency: it is small, and its errors name the operation and the
 * path the way a user needs them (the object is left unchanged).
 */
import { BatonError } from '../../errors/baton-error.ts'

type Json = unknown
type Container = Record<string, Json> | Json[]

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  value?: Json
  from?: string
}

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test']

function patchError(index: number, op: unknown, message: string): BatonError {
  return new BatonError(
    'BATON_INVALID',
    `the JSON patch's operation ${index} (${JSON.stringify(op)}) failed: ${message}`,
    {
      hint: 'Check the path against the object with `baton get TYPE NAME -o json`; the object was not changed',
    },
  )
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`path "${pointer}" must start with /`)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
}

const isContainer = (v: Json): v is Container => typeof v === 'object' && v !== null

function arrayIndex(list: Json[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return list.length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`"${token}" is not a list index`)
  const i = Number(token)
  if (i > list.length || (!forAdd && i === list.length))
    throw new Error(`index ${i} is out of range (the list has ${list.length} items)`)
  return i
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: Json, tokens: string[], pointer: string): { parent: Container; key: string } {
  let cur: Json = doc
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)]
    else if (isContainer(cur) && Object.hasOwn(cur, t)) cur = (cur as Record<string, Json>)[t]
    else throw new Error(`the path "${pointer}" does not exist`)
  }
  if (!isContainer(cur)) throw new Error(`the path "${pointer}" does not exist`)
  return { parent: cur, key: tokens[tokens.length - 1]! }
}

function get(doc: Json, pointer: string): Json {
  let cur: Json = doc
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)]
    else if (isContainer(cur) && Object.hasOwn(cur, t)) cur = (cur as Record<string, Json>)[t]
    else throw new Error(`the path "${pointer}" does not exist`)
  }
  return cur
}

function add(doc: Json, pointer: string, value: Json): Json {
  const tokens = parsePointer(pointer)
  if (tokens.length === 0) return value
  const { parent, key } = parentOf(doc, tokens, pointer)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value)
  else parent[key] = value
  return doc
}

function remove(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer)
  if (tokens.length === 0) throw new Error('the whole object cannot be removed')
  const { parent, key } = parentOf(doc, tokens, pointer)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1)
  else if (Object.hasOwn(parent, key)) delete parent[key]
  else throw new Error(`the path "${pointer}" does not exist`)
  return doc
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  if (isContainer(a) && isContainer(b) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, Json>)[k], b[k]))
    )
  }
  return false
}

/** `doc` with the operations applied (a new value; `doc` is not changed). */
export function applyJsonPatch(doc: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) {
    throw new BatonError('BATON_USAGE', 'a JSON patch must be a list of operations', {
      hint: `e.g. -p '[{"op":"replace","path":"/spec/replicas","value":3}]'`,
    })
  }
  let out = structuredClone(doc)
  operations.forEach((raw: unknown, i) => {
    const op = raw as Partial<JsonPatchOperation>
    try {
      if (!isContainer(op) || !OPS.includes(op.op as string))
        throw new Error(`unknown operation, use one of ${OPS.join(', ')}`)
      if (typeof op.path !== 'string') throw new Error('it has no "path"')
      const needsValue = op.op === 'add' || op.op === 'replace' || op.op === 'test'
      if (needsValue && !Object.hasOwn(op, 'value')) throw new Error('it has no "value"')
      switch (op.op) {
        case 'add':
          out = add(out, op.path, structuredClone(op.value))
          break
        case 'remove':
          out = remove(out, op.path)
          break
        case 'replace':
          get(out, op.path)
          out = add(remove(out, op.path), op.path, structuredClone(op.value))
          break
        case 'move': {
          if (typeof op.from !== 'string') throw new Error('it has no "from"')
          if (op.path.startsWith(`${op.from}/`)) throw new Error('a value cannot be moved into itself')
          const value = get(out, op.from)
          out = add(remove(out, op.from), op.path, value)
          break
        }
        case 'copy':
          if (typeof op.from !== 'string') throw new Error('it has no "from"')
          out = add(out, op.path, structuredClone(get(out, op.from)))
          break
        case 'test':
          if (!deepEqual(get(out, op.path), op.value))
            throw new Error(`the value at "${op.path}" is not ${JSON.stringify(op.value)}`)
          break
      }
    } catch (err) {
      if (err instanceof BatonError) throw err
      throw patchError(i, raw, (err as Error).message)
    }
  })
  return out
}
