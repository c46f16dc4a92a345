/**
 * @module
 * JSON patch (RFC 6902), the patch `kubectl rollout undo` and `kubectl patch --type=json`
 * send: add, remove, replace, move, copy and test, on JSON pointers (RFC 6901). The target is
 * not changed; a failed operation throws BATON_BAD_REQUEST naming it, so nothing is applied.
 *
 * jsonPatch({spec: {replicas: 1}}, [{op: 'replace', path: '/spec/replicas', value: 3}]) -> {spec: {replicas: 3}}
 */
import { badRequest } from '../errors.ts'

type Container = Record<string, unknown> | unknown[]

interface Operation {
  op: string
  path: string
  from?: string
  value?: unknown
}

const HINT =
  'Send a JSON array of RFC 6902 operations whose paths exist, e.g. [{"op":"replace","path":"/spec/replicas","value":3}]'

function tokens(pointer: string, at: number): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw badRequest(`operation ${at}: path "${pointer}" is not a JSON pointer`, HINT)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: unknown, pointer: string, at: number): { parent: Container; key: string } {
  const path = tokens(pointer, at)
  const key = path.pop()
  if (key === undefined) throw badRequest(`operation ${at}: the whole document cannot be the target`, HINT)
  let cur: unknown = doc
  for (const t of path) {
    cur = Array.isArray(cur)
      ? cur[Number(t)]
      : cur && typeof cur === 'object'
        ? (cur as Record<string, unknown>)[t]
        : undefined
    if (cur === undefined || cur === null || typeof cur !== 'object')
      throw badRequest(`operation ${at}: path "${pointer}" does not exist`, HINT)
  }
  return { parent: cur as Container, key }
}

function index(arr: unknown[], key: string, at: number, adding: boolean): number {
  if (adding && key === '-') return arr.length
  const i = Number(key)
  if (!/^\d+$/.test(key) || i > arr.length || (!adding && i === arr.length))
    throw badRequest(`operation ${at}: index "${key}" is out of range`, HINT)
  return i
}

function read(doc: unknown, pointer: string, at: number): unknown {
  const { parent, key } = parentOf(doc, pointer, at)
  const v = Array.isArray(parent) ? parent[index(parent, key, at, false)] : parent[key]
  if (v === undefined) throw badRequest(`operation ${at}: path "${pointer}" does not exist`, HINT)
  return v
}

function remove(doc: unknown, pointer: string, at: number): unknown {
  const { parent, key } = parentOf(doc, pointer, at)
  if (Array.isArray(parent)) return parent.splice(index(parent, key, at, false), 1)[0]
  if (!(key in parent)) throw badRequest(`operation ${at}: path "${pointer}" does not exist`, HINT)
  const v = parent[key]
  delete parent[key]
  return v
}

function add(doc: unknown, pointer: string, value: unknown, at: number): void {
  const { parent, key } = parentOf(doc, pointer, at)
  if (Array.isArray(parent)) parent.splice(index(parent, key, at, true), 0, value)
  else parent[key] = value
}

export function jsonPatch<T>(target: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations', HINT)
  const root = { doc: structuredClone(target) as unknown }
  const ptr = (p: string) => `/doc${p}`
  patch.forEach((raw, at) => {
    const o = raw as Operation
    if (!o || typeof o.path !== 'string') throw badRequest(`operation ${at} has no path`, HINT)
    switch (o.op) {
      case 'add':
        add(root, ptr(o.path), structuredClone(o.value), at)
        break
      case 'remove':
        remove(root, ptr(o.path), at)
        break
      case 'replace':
        remove(root, ptr(o.path), at)
        add(root, ptr(o.path), structuredClone(o.value), at)
        break
      case 'move':
      case 'copy': {
        if (typeof o.from !== 'string') throw badRequest(`operation ${at} (${o.op}) has no from`, HINT)
        const v = o.op === 'move' ? remove(root, ptr(o.from), at) : structuredClone(read(root, ptr(o.from), at))
        add(root, ptr(o.path), v, at)
        break
      }
      case 'test':
        if (JSON.stringify(read(root, ptr(o.path), at)) !== JSON.stringify(o.value))
          throw badRequest(
            `operation ${at}: test of "${o.path}" failed`,
            'The object is not what the patch expected; read it again',
          )
        break
      default:
        throw badRequest(`operation ${at}: unknown op "${String(o.op)}"`, HINT)
    }
  })
  return root.doc as T
}
