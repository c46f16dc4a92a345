/**
 * @module
 * The CLI entry: argv -> commander -> one command's complete/validate/run, and the one place
 * that turns errors into stderr text and exit codes (P12), the way kubectl's checkErr does:
 *
 *   Error from server (NotFound): deployments.apps "x" not found      <- the API said so
 *   error: exactly one resource is required, as TYPE NAME or TYPE/NAME <- the CLI found it
 *   hint: <how to fix it>
 *
 * Every failure exits 1 (kubectl's DefaultErrorExitCode) unless its BatonError names another
 * code (`rollout status`'s outcomes, docs/failure-policy.md); a usage error also prints the
 * command's usage. Stack traces only with -v.
 */
import { Command, CommanderError } from 'commander'
import { fileURLToPath } from 'node:url'
import { isBatonError, type BatonError } from '../errors/baton-error.ts'
// The reason the API put in its Status, found the way the API found it (code, then HTTP status),
// so a code with no entry of its own (a 403 like BATON_NAMESPACE_PROTECTED) reads as kubectl's.
import { reasonOf } from '../errors/status.ts'
import { systemClock, type Clock } from '../platform/clock.ts'
import { isTty } from '../platform/env.ts'
import { type ApiClient, connectionClient, ServerError, type Transport } from './client.ts'
import type { AnyCommand, CliContext, CliIO } from './command.ts'
import { commandsFor } from './commands/registry.ts'
import { type ConfigSources, resolveConnection, systemSources } from './config.ts'

export interface CliDeps {
  io: CliIO
  clock?: Clock
  sources?: ConfigSources
  /** Replaces global fetch: tests route requests to an in-process API app. */
  fetch?: Transport
  repoRoot?: string
  signal?: AbortSignal
}

/** The stderr text for a failed command. */
export function formatError(err: unknown, verbose: boolean): string {
  if (!isBatonError(err)) {
    const e = err instanceof Error ? err : new Error(String(err))
    return `error: ${e.message}\n${verbose && e.stack ? `${e.stack}\n` : ''}`
  }
  let text =
    err instanceof ServerError
      ? `Error from server (${reasonOf(err.code, err.httpStatus)}): ${err.message}\n`
      : `error: ${err.message}\n`
  for (const c of (err as BatonError).causes) {
    const line = `* ${c.field}: ${c.message}`
    if (!err.message.includes(line)) text += `${line}\n`
  }
  if (err.hint) text += `hint: ${err.hint}\n`
  if (verbose && err.stack) text += `${err.stack}\n`
  return text
}

function usageText(_cmd: Command, spec: AnyCommand): string {
  const name = ['baton', ...spec.path].join(' ')
  return `Usage:\n  ${name} ${spec.usage}\n\nUse "${name} --help" for more information.\n`
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

function buildProgram(
  deps: CliDeps,
  commands: readonly AnyCommand[],
  run: (spec: AnyCommand, cmd: Command, args: string[]) => Promise<void>,
): Command {
  const program = new Command('baton')
    .description('Zero-downtime rolling deployments with Kubernetes semantics, on one machine')
    .option('-n, --namespace <namespace>', 'The namespace scope for this request')
    .option(
      '--server <url>',
      'The address of the Baton API (default: from <data-dir>/daemon.json, else https://127.0.0.1:7070)',
    )
    .option('--token <token>', 'The API token (default: <data-dir>/token)')
    .option(
      '--kubeconfig <file>',
      "Connect as this kubeconfig says (server, CA, token) instead of to the data directory's daemon",
    )
    .option(
      '--context <name>',
      'The kubeconfig context to use (from --kubeconfig, else $KUBECONFIG, else ~/.kube/config)',
    )
    .option(
      '--data-dir <dir>',
      'The daemon data directory (default: $BATON_HOME, else /var/lib/baton for root, else ~/.local/share/baton)',
    )
    .option('-v, --verbose', 'Print stack traces with errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void deps.io.out.write(s),
      writeErr: (s) => void deps.io.err.write(s),
    })
    .showSuggestionAfterError(true)
  const groups = new Map<string, Command>()
  for (const spec of commands) {
    let parent = program
    for (const word of spec.path.slice(0, -1)) {
      let group = groups.get(word)
      if (!group) {
        group = parent.command(word).description(`${word} commands`).exitOverride()
        groups.set(word, group)
      }
      parent = group
    }
    const cmd = parent
      .command(spec.path[spec.path.length - 1]!)
      .description(spec.summary)
      .exitOverride()
    if (spec.args) cmd.arguments(spec.args)
    cmd.usage(spec.usage)
    if (spec.examples) cmd.addHelpText('after', `\nExamples:\n${spec.examples}`)
    for (const f of spec.flags ?? []) {
      if (f.repeatable) cmd.option(f.flags, f.description, collect, f.default as string[] | undefined)
      else if (f.default !== undefined) cmd.option(f.flags, f.description, f.default as string | boolean)
      else cmd.option(f.flags, f.description)
    }
    cmd.action(async (...actionArgs: unknown[]) => {
      const args = actionArgs
        .slice(0, -2)
        .flatMap((a) => (Array.isArray(a) ? (a as string[]) : a === undefined ? [] : [String(a)]))
      await run(spec, cmd, args)
    })
  }
  return program
}

/**
 * kubectl (pflag) reads `-o=json` and `-n=prod` as `-o json`; commander would take "=json".
 * Words after `--` are a command's own and stay as they are.
 */
export function splitShortEquals(argv: readonly string[]): string[] {
  const end = argv.indexOf('--')
  return argv.flatMap((a, i) => ((end < 0 || i < end) && /^-[A-Za-z]=/.test(a) ? [a.slice(0, 2), a.slice(3)] : [a]))
}

/** Runs one CLI invocation; resolves to the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const clock = deps.clock ?? systemClock
  const sources = deps.sources ?? systemSources
  let exitCode = 0
  let verbose = argv.includes('-v') || argv.includes('--verbose')
  let current: { spec: AnyCommand; cmd: Command } | undefined

  const program = buildProgram(deps, await commandsFor(argv), async (spec, cmd, args) => {
    current = { spec, cmd }
    const flags = cmd.optsWithGlobals() as Record<string, unknown>
    verbose = flags.verbose === true
    let client: ApiClient | undefined
    const connection = () =>
      resolveConnection(
        {
          ...(typeof flags.server === 'string' ? { server: flags.server } : {}),
          ...(typeof flags.token === 'string' ? { token: flags.token } : {}),
          ...(typeof flags.dataDir === 'string' ? { dataDir: flags.dataDir } : {}),
          ...(typeof flags.kubeconfig === 'string' ? { kubeconfig: flags.kubeconfig } : {}),
          ...(typeof flags.context === 'string' ? { context: flags.context } : {}),
        },
        sources,
      )
    // A kubeconfig context's namespace is the default one, as for kubectl; read when a command
    // asks (`baton kubeconfig --merge --kubeconfig NEW` names a file that does not exist yet).
    const usesKubeconfig = typeof flags.kubeconfig === 'string' || typeof flags.context === 'string'
    const ctx: CliContext = {
      io: deps.io,
      clock,
      get namespace() {
        if (typeof flags.namespace === 'string') return flags.namespace
        return (usesKubeconfig ? connection().namespace : undefined) ?? 'default'
      },
      namespaceExplicit: typeof flags.namespace === 'string',
      connection,
      client: () => {
        if (!client) {
          const c = connection()
          client = connectionClient(c, deps.fetch, (line) => deps.io.err.write(line))
        }
        return client
      },
      repoRoot: deps.repoRoot ?? fileURLToPath(new URL('../..', import.meta.url)),
      argv,
      signal: deps.signal ?? new AbortController().signal,
    }
    const opts = await spec.complete(args, flags, ctx)
    spec.validate?.(opts)
    exitCode = (await spec.run(opts, ctx)) ?? 0
  })

  try {
    await program.parseAsync(splitShortEquals(argv), { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; commander has already printed its message.
      if (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed') return 0
      return 1
    }
    deps.io.err.write(formatError(err, verbose))
    if (isBatonError(err) && err.code === 'BATON_USAGE' && current)
      deps.io.err.write(usageText(current.cmd, current.spec))
    return isBatonError(err) && err.exitCode !== undefined ? err.exitCode : 1
  }
  return exitCode
}

/** 128 + SIGPIPE, what a shell reports for kubectl writing into a closed pipe. */
export const EXIT_BROKEN_PIPE = 141

/** The process entry (bin/baton.mjs): real streams, SIGINT stops long-running commands. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const abort = new AbortController()
  process.once('SIGINT', () => abort.abort())
  // The reader went away (`baton logs POD | head`): stop at once and quietly. kubectl dies of
  // SIGPIPE, which a shell reports as 141; Node ignores the signal, so the code is set here.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE)
    process.stderr.write(`error: cannot write the output: ${err.message}\n`)
    process.exit(1)
  })
  const io: CliIO = {
    out: process.stdout,
    err: process.stderr,
    isTTY: isTty(process.stdout),
    errIsTTY: isTty(process.stderr),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
  }
  return runCli(argv, { io, signal: abort.signal })
}
