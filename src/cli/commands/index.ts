/**
 * @module
 * Every CLI command, in the order `baton --help` lists them.
 */
import type { AnyCommand } from '../command.ts'
import { dashboardCommand } from '../../dashboard/dashboard-command.ts'
import { applyCommand } from './apply.ts'
import { completionCommand } from './completion.ts'
import { createCommand } from './create.ts'
import { deleteCommand } from './delete.ts'
import { demoCommand } from './demo.ts'
import { describeCommand } from './describe.ts'
import { backupCommand, restoreCommand } from './backup-restore.ts'
import { downCommand } from './down.ts'
import { getCommand } from './get.ts'
import { logsCommand } from './logs.ts'
import { pushCommand } from './push.ts'
import { rolloutHistoryCommand } from './rollout-history.ts'
import { rolloutPauseCommand, rolloutResumeCommand } from './rollout-pause-resume.ts'
import { rolloutPlanCommand } from './rollout-plan.ts'
import { rolloutRestartCommand } from './rollout-restart.ts'
import { rolloutStatusCommand } from './rollout-status.ts'
import { rolloutUndoCommand } from './rollout-undo.ts'
import { scaleCommand } from './scale.ts'
import { setEnvCommand } from './set-env.ts'
import { setImageCommand } from './set-image.ts'
import { upCommand } from './up.ts'
import { verifyCommand } from './verify.ts'
import { versionCommand } from './version.ts'

export const COMMANDS: readonly AnyCommand[] = [
  upCommand,
  downCommand,
  backupCommand,
  restoreCommand,
  applyCommand,
  createCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  scaleCommand,
  setImageCommand,
  setEnvCommand,
  rolloutStatusCommand,
  rolloutHistoryCommand,
  rolloutUndoCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
  rolloutRestartCommand,
  rolloutPlanCommand,
  logsCommand,
  pushCommand,
  verifyCommand,
  dashboardCommand,
  demoCommand,
  versionCommand,
  completionCommand(() => COMMANDS),
]
