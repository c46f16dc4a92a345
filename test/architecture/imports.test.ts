/**
 * ARCHITECTURE.md's dependency rules, enforced: every import in src/ (static or dynamic,
 * type-only imports exempt where a rule says so) is checked against a table of named rules.
 * A rule that needs an exception names the file and says why.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const src = join(root, 'src')

interface Import {
  file: string // relative to src/, e.g. "cli/commands/get.ts"
  target: string // "node:fs", "yaml", or a path relative to src/ ("store/types.ts")
  typeOnly: boolean
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'testdata' ? [] : sourceFiles(p)
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : []
  })
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm

function importsOf(path: string): Import[] {
  const file = relative(src, path)
  const out: Import[] = []
  for (const m of readFileSync(path, 'utf8').matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]!
    const target = spec.startsWith('.') ? relative(src, resolve(dirname(path), spec)) : spec
    out.push({ file, target, typeOnly: m[2] !== undefined })
  }
  return out
}

const all = sourceFiles(src)
  .filter((f) => !relative(src, f).startsWith('dashboard/ui/')) // the browser bundle: its own world
  .flatMap(importsOf)

const inside = (path: string, ...folders: string[]) => folders.some((f) => path.startsWith(`${f}/`))
const isTestSupport = (file: string) => /(^|\/)testing\.ts$|\/testing\//.test(file)

interface Rule {
  name: string
  applies(file: string): boolean
  forbids(imp: Import): boolean
  /** file, or "file -> target" for one import only, -> why it may break the rule */
  exceptions?: Record<string, string>
}

const excepted = (rule: Rule, i: Import) =>
  rule.exceptions !== undefined && (i.file in rule.exceptions || `${i.file} -> ${i.target}` in rule.exceptions)

const PURE = ['api', 'rollout', 'errors']
const RUNTIME_KINDS = ['runtime/process', 'runtime/docker', 'runtime/fake']
const isPlan = (f: string) => /^controllers\/[^/]+\/plan[^/]*\.ts$/.test(f)

const RULES: Rule[] = [
  {
    name: 'api/, rollout/ and errors/ are pure: no node:* module',
    applies: (f) => inside(f, ...PURE) && !isTestSupport(f),
    forbids: (i) => i.target.startsWith('node:'),
    exceptions: {
      'api/manifest.ts': 'loads manifest files and directories for `apply -f` (the parsing itself is pure)',
    },
  },
  {
    name: 'api/, rollout/ and errors/ depend only on each other, types included',
    applies: (f) => inside(f, ...PURE) && !isTestSupport(f),
    forbids: (i) => i.target.endsWith('.ts') && !inside(i.target, ...PURE),
  },
  {
    name: 'controllers/*/plan*.ts are pure: only api/, rollout/, errors/ and their own folder',
    applies: isPlan,
    forbids: (i) =>
      i.target.startsWith('node:') ||
      (i.target.endsWith('.ts') && !inside(i.target, ...PURE) && dirname(i.target) !== dirname(i.file)),
  },
  {
    name: 'cli/ speaks the HTTP API: it never imports daemon/, store/, server/, controllers/ or sim/',
    applies: (f) => inside(f, 'cli') && !isTestSupport(f),
    forbids: (i) => !i.typeOnly && inside(i.target, 'daemon', 'store', 'server', 'controllers', 'sim'),
    exceptions: {
      'cli/commands/rollout-plan.ts -> sim/preview.ts':
        'plays the rollout with the real controllers on a fake clock, so a preview cannot disagree with them (imported lazily: only this verb pays for it)',
    },
  },
  {
    name: 'adapters (store, runtime, probes, proxy, artifacts, logs, verify) never import controllers/, server/, cli/ or daemon/',
    applies: (f) =>
      inside(f, 'store', 'runtime', 'probes', 'proxy', 'artifacts', 'logs', 'verify') && !isTestSupport(f),
    forbids: (i) => !i.typeOnly && inside(i.target, 'controllers', 'server', 'cli', 'daemon'),
  },
  {
    name: "a runtime kind (runtime/process/, runtime/docker/, runtime/fake/) never imports another kind's folder, types included: what two share stands in runtime/",
    applies: (f) => RUNTIME_KINDS.some((k) => inside(f, k)) && !isTestSupport(f),
    forbids: (i) => RUNTIME_KINDS.some((k) => inside(i.target, k) && !inside(i.file, k)),
  },
  {
    name: 'server/ never imports the controllers, the runtime, the CLI or the daemon',
    applies: (f) => inside(f, 'server') && !isTestSupport(f),
    forbids: (i) => !i.typeOnly && inside(i.target, 'controllers', 'runtime', 'cli', 'daemon'),
  },
  {
    name: 'client/ runs in the browser too: no node:* module, and only api/, errors/ and its own folder (artifact types aside)',
    applies: (f) => inside(f, 'client') && !isTestSupport(f),
    forbids: (i) =>
      i.target.startsWith('node:') ||
      (i.target.endsWith('.ts') &&
        !inside(i.target, 'api', 'errors', 'client') &&
        !(i.typeOnly && i.target === 'artifacts/types.ts')),
  },
  {
    name: 'nothing but the daemon (and test support) imports daemon/',
    applies: (f) => !inside(f, 'daemon') && !isTestSupport(f),
    forbids: (i) => inside(i.target, 'daemon'),
    exceptions: {},
  },
]

describe('architecture: import rules (ARCHITECTURE.md)', () => {
  it('finds the source files it checks', () => {
    expect(all.length).toBeGreaterThan(200)
  })

  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    const broken = all
      .filter((i) => rule.applies(i.file) && rule.forbids(i) && !excepted(rule, i))
      .map((i) => `${i.file} imports ${i.target}`)
    expect(broken).toEqual([])
  })

  it('names no exception that no import needs', () => {
    const unused = RULES.flatMap((rule) =>
      Object.keys(rule.exceptions ?? {})
        .filter(
          (key) =>
            !all.some(
              (i) => rule.applies(i.file) && rule.forbids(i) && (key === i.file || key === `${i.file} -> ${i.target}`),
            ),
        )
        .map((key) => `${rule.name}: ${key}`),
    )
    expect(unused).toEqual([])
  })
})

/**
 * ARCHITECTURE.md's codemap, read as data: each row's first cell names a folder (`src/x/`), its
 * last cell the folders and files it may import (backticked; "everything", "everything but
 * `daemon/`" or "—"). Every relative import in src/, type-only ones included, must land in the
 * importing file's own folder or in one its row allows. The most specific row wins
 * (`src/dashboard/ui/` before `src/dashboard/`); `<name>` in a row matches any folder.
 */
interface CodemapRow {
  folder: string // relative to src/, ending in "/"; "<name>" segments as "*"
  allows: 'everything' | string[]
  except: string[]
}

function codemapRows(): CodemapRow[] {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8')
  const rows: CodemapRow[] = []
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const folder = cells[1]?.match(/^`src\/(.+\/)`$/)?.[1]
    if (!folder) continue
    const last = cells[cells.length - 2] ?? ''
    const entries = [...last.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
    const key = folder.replace(/<[^>]+>/g, '*')
    if (/^everything but/.test(last)) rows.push({ folder: key, allows: 'everything', except: entries })
    else if (/^everything/.test(last)) rows.push({ folder: key, allows: 'everything', except: [] })
    else rows.push({ folder: key, allows: entries, except: [] })
  }
  return rows
}

const matchesFolder = (file: string, folder: string) =>
  new RegExp(`^${folder.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}`).test(file)
const within = (target: string, entry: string) => (entry.endsWith('/') ? target.startsWith(entry) : target === entry)

/** Imports that the codemap's rows do not allow: file -> why it may (empty: none today). */
const CODEMAP_EXCEPTIONS: Record<string, string> = {}

describe("architecture: every import is one ARCHITECTURE.md's codemap allows", () => {
  const rows = codemapRows()
  const rowOf = (file: string) =>
    rows.filter((r) => matchesFolder(file, r.folder)).sort((a, b) => b.folder.length - a.folder.length)[0]
  const everyFile = sourceFiles(src).flatMap(importsOf)

  it('reads a row for every folder of src/', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${e.name}/`)
    expect(folders.filter((f) => !rows.some((r) => r.folder === f || r.folder.startsWith(f)))).toEqual([])
  })

  it('finds no import outside what the importing row allows', () => {
    const broken = everyFile
      .filter((i) => /\.(ts|tsx)$/.test(i.target) && !i.target.startsWith('..'))
      .filter((i) => !isTestSupport(i.file) && !(i.file in CODEMAP_EXCEPTIONS))
      .filter((i) => {
        const row = rowOf(i.file)
        if (!row) return true
        const own = row.folder.replace(/\*.*$/, '')
        if (i.target.startsWith(own)) return false
        if (row.allows === 'everything') return row.except.some((e) => within(i.target, e))
        return !row.allows.some((e) => within(i.target, e))
      })
      .map((i) => `${i.file} imports ${i.target}${i.typeOnly ? ' (type)' : ''}`)
    expect(broken).toEqual([])
  })
})

describe('architecture: only platform/ reads the clock, timers, randomness or the environment', () => {
  // Global reads the rest of the code must get through platform/ (Clock, IdSource, env.ts).
  const GLOBALS =
    /\bDate\.now\(|\bnew Date\(\)|\bMath\.random\(|\bprocess\.env\b|\bperformance\.now\(|(?<![.\w])set(Timeout|Interval|Immediate)\(/
  const files = sourceFiles(src).filter((f) => {
    const r = relative(src, f)
    return !inside(r, 'platform', 'dashboard') && !isTestSupport(r)
  })
  it.each(files.map((f) => [relative(src, f), f] as const))('%s', (_rel, file) => {
    const hits = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => GLOBALS.test(line) && !/^\s*(\*|\/\/)/.test(line))
    expect(hits).toEqual([])
  })
})

describe('architecture: only store/frozen-copy.ts freezes', () => {
  // frozenCopy shares any frozen subtree of its input as a stored node (deeply frozen and
  // JSON-shaped, rule P6). That holds only while nothing else freezes: a shallowly frozen
  // object from elsewhere would be stored with mutable children.
  it('no other source file calls Object.freeze, Object.seal or Object.preventExtensions', () => {
    const hits = sourceFiles(src)
      .filter((f) => relative(src, f) !== join('store', 'frozen-copy.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((line) => /\bObject\.(freeze|seal|preventExtensions)\(/.test(line) && !/^\s*(\*|\/\/)/.test(line))
          .map((line) => `${relative(src, f)}: ${line.trim()}`),
      )
    expect(hits).toEqual([])
  })
})
