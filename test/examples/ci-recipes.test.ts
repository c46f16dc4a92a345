// The CI recipes in examples/ci: the workflow is valid YAML with the steps a deploy needs, both
// recipes deploy through deploy.sh, and every baton command in them (GitHub Actions `run:`
// lines, Jenkinsfile `sh` steps, deploy.sh) names a verb that exists and only its flags, and
// gets past the CLI's own argument checks. test/e2e/ci-recipe.test.ts runs deploy.sh itself.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { COMMANDS } from '../../src/cli/commands/index.ts'
import type { AnyCommand } from '../../src/cli/command.ts'
import { runCli } from '../../src/cli/main.ts'

const CI = fileURLToPath(new URL('../../examples/ci/', import.meta.url))
const APP_PATHS: Record<string, string> = {
  'deploy/web.yaml': fileURLToPath(new URL('../../examples/web/deployment.yaml', import.meta.url)),
  './dist': fileURLToPath(new URL('../../examples/web/v1', import.meta.url)),
  $build: fileURLToPath(new URL('../../examples/web/v1', import.meta.url)),
  $rendered: fileURLToPath(new URL('../../examples/web/deployment.yaml', import.meta.url)),
  $image: 'web:v1',
  $target: 'deployment/web',
  $timeout: '5m',
  '${target%%/*}': 'deployment',
  '${target#*/}': 'web',
}
const GLOBAL_FLAGS = ['-n', '--namespace', '--server', '--token', '--data-dir', '-v', '--verbose']

interface Workflow {
  env: Record<string, string>
  jobs: Record<
    string,
    { steps: Array<{ name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string> }> }
  >
}

/** Words of a shell command, quotes removed; stops at && || | ; (the next command). */
function words(command: string): string[][] {
  const commands: string[][] = [[]]
  for (const m of command.matchAll(/"[^"]*"|'[^']*'|&&|\|\||[|;]|[^\s"'|;&]+/g)) {
    const w = m[0]
    if (['&&', '||', '|', ';'].includes(w)) commands.push([])
    else commands.at(-1)!.push(w.replace(/^(["'])(.*)\1$/, '$2'))
  }
  return commands.filter((c) => c.length > 0)
}

/** Every `baton …` invocation (argv without "baton") in shell text; "$BATON" is the Jenkinsfile's, "$baton" deploy.sh's. */
function batonInvocations(shell: string): string[][] {
  return shell
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .flatMap((line) =>
      words(line)
        .map((w) =>
          (w[0] === 'if' ? w.slice(1) : w).filter(
            (word, i, all) => !/^\d?>/.test(word) && !/^\d?>/.test(all[i - 1] ?? ''),
          ),
        )
        .filter((w) => ['baton', '$BATON', '$baton'].includes(w[0]!))
        .map((w) => w.slice(1)),
    )
}

function commandFor(argv: readonly string[]): AnyCommand | undefined {
  return [...COMMANDS].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((p, i) => argv[i] === p))
}

function flagNames(spec: AnyCommand): string[] {
  return (spec.flags ?? []).flatMap((f) => [...f.flags.matchAll(/(?:^|[\s,])(--?[\w-]+)/g)].map((m) => m[1]!))
}

const workflow = parse(readFileSync(`${CI}github-actions.yml`, 'utf8')) as Workflow
const jenkinsfile = readFileSync(`${CI}Jenkinsfile`, 'utf8')
const workflowRuns = Object.values(workflow.jobs)
  .flatMap((j) => j.steps.map((s) => s.run ?? ''))
  .join('\n')
const jenkinsSteps = [...jenkinsfile.matchAll(/\bsh '([^']*)'/g)].map((m) => m[1]!).join('\n')
const deployScript = readFileSync(`${CI}deploy.sh`, 'utf8')

const invocations = [
  ...batonInvocations(workflowRuns).map((argv) => ({ recipe: 'github-actions.yml', argv })),
  ...batonInvocations(jenkinsSteps).map((argv) => ({ recipe: 'Jenkinsfile', argv })),
  ...batonInvocations(deployScript).map((argv) => ({ recipe: 'deploy.sh', argv })),
]

describe('examples/ci', () => {
  it('the workflow takes the server and token from the environment and deploys through deploy.sh', () => {
    expect(workflow.env).toMatchObject({
      BATON_SERVER: expect.stringContaining('vars.BATON_SERVER'),
      BATON_TOKEN: expect.stringContaining('secrets.BATON_TOKEN'),
    })
    expect(workflowRuns).toMatch(
      /^deploy\/deploy\.sh "\$IMAGE" \.\/dist deploy\/web\.yaml deployment\/web "\$CHANGE_CAUSE"$/m,
    )
    expect(jenkinsfile).toMatch(/BATON_TOKEN = credentials\('baton-token'\)/)
    expect(jenkinsSteps).toMatch(
      /^deploy\/deploy\.sh "\$IMAGE" \.\/dist deploy\/web\.yaml deployment\/web "Jenkins build \$BUILD_NUMBER/m,
    )
  })

  it('rolls back only after a failed rollout: no recipe step or post action rolls back on any failure', () => {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps)
    expect(steps.filter((s) => s.if !== undefined)).toEqual([])
    expect(jenkinsfile).not.toMatch(/post\s*\{/)
    expect(deployScript).toMatch(
      /"\$baton" rollout status "\$target" --timeout "\$timeout"\nstatus=\$\?\n\[ "\$status" -eq 0 \] && exit 0\n/,
    )
    // 3: the failure policy rolled back already; an undo would return to the failed revision.
    expect(deployScript).toMatch(/if \[ "\$status" -eq 3 \]; then\n[^\n]*\n {2}exit 1\nfi\n/)
  })

  it('deploy.sh pushes, previews, applies, waits and undoes', () => {
    const verbs = invocations.filter((i) => i.recipe === 'deploy.sh').map((i) => commandFor(i.argv)?.path.join(' '))
    expect(verbs).toEqual([
      'push',
      'rollout plan',
      'apply',
      'rollout status',
      'describe',
      'rollout undo',
      'rollout status',
    ])
  })

  it.each(invocations.map((i) => ({ ...i, line: i.argv.join(' ') })))(
    '$recipe: baton $line uses a real verb and its flags',
    async ({ argv }) => {
      const spec = commandFor(argv)
      expect(spec, `no baton verb "${argv.slice(0, 2).join(' ')}"`).toBeDefined()
      const allowed = [...flagNames(spec!), ...GLOBAL_FLAGS]
      for (const flag of argv.filter((w) => /^--?[a-z]/.test(w)).map((w) => w.split('=')[0]!))
        expect(allowed).toContain(flag)
      // The real parser and the command's own checks accept it; it fails only at the (absent)
      // daemon. The app's own paths stand for paths of the app repository the recipe runs in.
      const inRepo = argv.map((w) => APP_PATHS[w] ?? w)
      let err = ''
      const code = await runCli(inRepo, {
        io: {
          out: { write: () => true },
          err: { write: (s: string) => (err += s) },
          isTTY: false,
          readStdin: async () => '',
        },
        sources: {
          env: (n) => ({ BATON_SERVER: 'http://127.0.0.1:9', BATON_TOKEN: 't' })[n],
          readFile: () => undefined,
        },
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      })
      expect(code).toBe(1)
      expect(err).toMatch(/BATON_DAEMON_UNREACHABLE|cannot reach|unreachable|connect/i)
      expect(err).not.toMatch(/unknown (option|command)|too many arguments|missing required|argument missing|\nUsage:/)
    },
  )
})
