/**
 * @module
 * `baton fleet lb|apply|rollout|status|history|undo|recover -f fleet.yaml`: several Baton hosts rolled
 * window by window behind a front load balancer (docs/fleets.md). The work is in src/fleet/,
 * imported when a fleet verb runs.
 */
import { type AnyCommand, type CliContext, countFlag, defineCommand, str, usageError } from '../command.ts'

interface FleetOptions {
  file: string
  stateDir: string | undefined
  tags: string[]
  json: boolean
  toRevision: number | undefined
}

const COMMON = [
  { flags: '-f, --filename <file>', description: 'The fleet definition (kind: Fleet)' },
  {
    flags: '--state-dir <dir>',
    description:
      "Where the fleet's history and front load balancer files live (default: .baton-fleet/NAME beside the file)",
  },
]

function complete(_args: string[], flags: Record<string, unknown>): FleetOptions {
  const file = str(flags.filename)
  if (!file) throw usageError('must specify -f FLEET', 'e.g. baton fleet status -f fleet.yaml')
  const tags = str(flags.tags)
  return {
    file,
    stateDir: str(flags.stateDir),
    tags: tags ? tags.split(',').filter((t) => t !== '') : [],
    json: str(flags.output) === 'json',
    toRevision: countFlag(flags.toRevision, 'to-revision'),
  }
}

const fleet = () => import('../../fleet/commands.ts')
const rolloutFlags = [
  ...COMMON,
  { flags: '--tags <list>', description: 'Only the targets carrying every one of these tags (comma-separated)' },
  { flags: '-o, --output <format>', description: 'json: the per-window report as JSON' },
]

export const fleetLbCommand = defineCommand<FleetOptions>({
  path: ['fleet', 'lb'],
  summary: "Run the fleet's front load balancer (until interrupted)",
  usage: '-f FLEET [--state-dir DIR]',
  flags: COMMON,
  complete,
  async run(o, ctx) {
    const f = await fleet()
    await f.serveFront(f.loadFleet(o.file, o.stateDir), io(ctx))
    return 0
  },
})

/** `apply` and `rollout`: the same windowed rollout; `apply` does nothing when every chosen target runs the manifests already. */
function rolloutVerb(verb: 'apply' | 'rollout', summary: string, usage: string, onlyIfChanged: boolean) {
  return defineCommand<FleetOptions>({
    path: ['fleet', verb],
    summary,
    usage,
    flags: rolloutFlags,
    complete,
    async run(o, ctx) {
      const f = await fleet()
      const cause = `baton ${ctx.argv.join(' ')}`
      return f.rollout(f.loadFleet(o.file, o.stateDir), { tags: o.tags, onlyIfChanged, json: o.json, cause }, io(ctx))
    },
  })
}

export const fleetApplyCommand = rolloutVerb(
  'apply',
  "Roll the fleet's manifests out window by window, unless every target already runs them",
  '-f FLEET [--tags T] [--state-dir DIR]',
  true,
)

export const fleetRolloutCommand = rolloutVerb(
  'rollout',
  "Roll the fleet's manifests out window by window (a new fleet revision)",
  '-f FLEET [--tags T] [--state-dir DIR] [-o json]',
  false,
)

export const fleetUndoCommand = defineCommand<FleetOptions>({
  path: ['fleet', 'undo'],
  summary: 'Roll the fleet back to an earlier revision, window by window',
  usage: '-f FLEET [--to-revision N] [--state-dir DIR]',
  flags: [
    ...rolloutFlags,
    {
      flags: '--to-revision <n>',
      description: 'The revision to go back to (default: the one before the last good one)',
    },
  ],
  complete,
  async run(o, ctx) {
    const f = await fleet()
    return f.rollout(
      f.loadFleet(o.file, o.stateDir),
      { tags: o.tags, onlyIfChanged: false, json: o.json, cause: '', undoTo: o.toRevision ?? 'previous' },
      io(ctx),
    )
  },
})

export const fleetStatusCommand = defineCommand<FleetOptions>({
  path: ['fleet', 'status'],
  summary: "Each target's revision, health, front balancer state and share of traffic, and the rollout",
  usage: '-f FLEET [--state-dir DIR] [-o json]',
  flags: [...COMMON, { flags: '-o, --output <format>', description: 'json' }],
  complete,
  async run(o, ctx) {
    const f = await fleet()
    return f.status(f.loadFleet(o.file, o.stateDir), o.json, io(ctx))
  },
})

export const fleetHistoryCommand = defineCommand<FleetOptions>({
  path: ['fleet', 'history'],
  summary: "The fleet's revisions and which targets run each",
  usage: '-f FLEET [--state-dir DIR]',
  flags: COMMON,
  complete,
  async run(o, ctx) {
    const f = await fleet()
    return f.historyText(f.loadFleet(o.file, o.stateDir), io(ctx))
  },
})

export const fleetRecoverCommand = defineCommand<FleetOptions>({
  path: ['fleet', 'recover'],
  summary:
    'Recover what a coordinator that died mid-rollout left: its window rolled back, drained targets checked and added back',
  usage: '-f FLEET [--state-dir DIR] [-o json]',
  flags: [...COMMON, { flags: '-o, --output <format>', description: 'json: the recovery report as JSON' }],
  complete,
  async run(o, ctx) {
    const f = await fleet()
    return f.recoverFleet(f.loadFleet(o.file, o.stateDir), o.json, io(ctx))
  },
})

export const FLEET_COMMANDS: AnyCommand[] = [
  fleetLbCommand,
  fleetApplyCommand,
  fleetRolloutCommand,
  fleetStatusCommand,
  fleetHistoryCommand,
  fleetUndoCommand,
  fleetRecoverCommand,
]

function io(ctx: CliContext) {
  return {
    out: (t: string) => void ctx.io.out.write(t),
    err: (t: string) => void ctx.io.err.write(t),
    clock: ctx.clock,
    signal: ctx.signal,
  }
}
