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

const inside = (path: string, ...folders: string[]) => folders.some((f) => path.startsWith(f + '/'))
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
const isPlan = (f: string) => /^controllers\/[^/]+\/plan[^/]*\.ts$/.test(f)

const RULES: Rule[] = [
  {
    name: 'api/, rollout/ and errors/ are pure: no node:* module',
    applies: (f) => inside(f, ...PURE) && !isTestSupport(f),
    forbids: (i) => i.target.startsWith('node:'),
    exceptions: { 'api/manifest.ts': 'loads manifest files and directories for `apply -f` (the parsing itself is pure)' },
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
    applies: (f) => inside(f, 'store', 'runtime', 'probes', 'proxy', 'artifacts', 'logs', 'verify') && !isTestSupport(f),
    forbids: (i) => !i.typeOnly && inside(i.target, 'controllers', 'server', 'cli', 'daemon'),
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
      (i.target.endsWith('.ts') && !inside(i.target, 'api', 'errors', 'client') && !(i.typeOnly && i.target === 'artifacts/types.ts')),
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
        .filter((key) => !all.some((i) => rule.applies(i.file) && rule.forbids(i) && (key === i.file || key === `${i.file} -> ${i.target}`)))
        .map((key) => `${rule.name}: ${key}`),
    )
    expect(unused).toEqual([])
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
