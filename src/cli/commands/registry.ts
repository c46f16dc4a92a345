/**
 * @module
 * Which module holds which command, so that one invocation imports only its own command:
 * a CLI pays for every module it loads at start-up (the manifest validator's schemas alone
 * take ~0.2 s), and `baton get pods` should not load the demo, the verifier or the planner.
 * Help, completion and anything unrecognised load them all (./index.ts). This is the one list
 * of commands: a new verb is one entry here.
 */
import type { AnyCommand } from '../command.ts'

interface CommandEntry {
  path: readonly string[]
  load(): Promise<AnyCommand>
}

const entry = (path: string[], load: () => Promise<AnyCommand>): CommandEntry => ({ path, load })

/** Every command but `completion` (./index.ts adds it), in the order `baton --help` lists them. */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  entry(['up'], async () => (await import('./up.ts')).upCommand),
  entry(['down'], async () => (await import('./down.ts')).downCommand),
  entry(['backup'], async () => (await import('./backup-restore.ts')).backupCommand),
  entry(['restore'], async () => (await import('./backup-restore.ts')).restoreCommand),
  entry(['apply'], async () => (await import('./apply.ts')).applyCommand),
  entry(['create'], async () => (await import('./create.ts')).createCommand),
  entry(['get'], async () => (await import('./get.ts')).getCommand),
  entry(['describe'], async () => (await import('./describe.ts')).describeCommand),
  entry(['delete'], async () => (await import('./delete.ts')).deleteCommand),
  entry(['scale'], async () => (await import('./scale.ts')).scaleCommand),
  entry(['label'], async () => (await import('./label.ts')).labelCommand),
  entry(['annotate'], async () => (await import('./annotate.ts')).annotateCommand),
  entry(['patch'], async () => (await import('./patch.ts')).patchCommand),
  entry(['wait'], async () => (await import('./wait.ts')).waitCommand),
  entry(['expose'], async () => (await import('./expose.ts')).exposeCommand),
  entry(['run'], async () => (await import('./run.ts')).runCommand),
  entry(['edit'], async () => (await import('./edit.ts')).editCommand),
  entry(['set', 'image'], async () => (await import('./set-image.ts')).setImageCommand),
  entry(['set', 'env'], async () => (await import('./set-env.ts')).setEnvCommand),
  entry(['rollout', 'status'], async () => (await import('./rollout-status.ts')).rolloutStatusCommand),
  entry(['rollout', 'history'], async () => (await import('./rollout-history.ts')).rolloutHistoryCommand),
  entry(['rollout', 'undo'], async () => (await import('./rollout-undo.ts')).rolloutUndoCommand),
  entry(['rollout', 'pause'], async () => (await import('./rollout-pause-resume.ts')).rolloutPauseCommand),
  entry(['rollout', 'resume'], async () => (await import('./rollout-pause-resume.ts')).rolloutResumeCommand),
  entry(['rollout', 'restart'], async () => (await import('./rollout-restart.ts')).rolloutRestartCommand),
  entry(['rollout', 'promote'], async () => (await import('./rollout-argo.ts')).rolloutPromoteCommand),
  entry(['rollout', 'abort'], async () => (await import('./rollout-argo.ts')).rolloutAbortCommand),
  entry(['rollout', 'retry'], async () => (await import('./rollout-argo.ts')).rolloutRetryCommand),
  entry(['rollout', 'plan'], async () => (await import('./rollout-plan.ts')).rolloutPlanCommand),
  entry(['logs'], async () => (await import('./logs.ts')).logsCommand),
  entry(['push'], async () => (await import('./push.ts')).pushCommand),
  entry(['images'], async () => (await import('./images.ts')).imagesCommand),
  entry(['rmi'], async () => (await import('./images.ts')).rmiCommand),
  entry(['verify'], async () => (await import('./verify.ts')).verifyCommand),
  entry(['dashboard'], async () => (await import('./dashboard.ts')).dashboardCommand),
  entry(['demo'], async () => (await import('./demo.ts')).demoCommand),
  entry(['install-service'], async () => (await import('./install-service.ts')).installServiceCommand),
  ...['lb', 'apply', 'rollout', 'status', 'history', 'undo', 'recover'].map((verb) =>
    entry(['fleet', verb], async () => (await import('./fleet.ts')).FLEET_COMMANDS.find((c) => c.path[1] === verb)!),
  ),
  entry(['version'], async () => (await import('./version.ts')).versionCommand),
  entry(['kubeconfig'], async () => (await import('./kubeconfig.ts')).kubeconfigCommand),
]

const HELP = new Set(['-h', '--help', 'help', 'completion'])

/**
 * The commands an argv needs: the one it names (the first word that starts a command path,
 * then its sub-command), or every command for help, completion or an unknown word.
 */
export async function commandsFor(argv: readonly string[]): Promise<readonly AnyCommand[]> {
  if (argv.some((a) => HELP.has(a))) return allCommands()
  // biome-ignore lint/complexity/useIndexOf: the first word that starts any command, not one value
  const first = argv.findIndex((a) => COMMAND_ENTRIES.some((e) => e.path[0] === a))
  if (first < 0) return allCommands()
  const matches = COMMAND_ENTRIES.filter((e) => e.path.every((word, i) => argv[first + i] === word))
  if (matches.length !== 1) return allCommands()
  return [await matches[0]!.load()]
}

async function allCommands(): Promise<readonly AnyCommand[]> {
  return (await import('./index.ts')).COMMANDS
}
