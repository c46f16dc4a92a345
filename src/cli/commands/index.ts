/**
 * @module
 * Every CLI command, in the order `baton --help` lists them.
 */
import type { AnyCommand } from '../command.ts'
import { annotateCommand } from './annotate.ts'
import { dashboardCommand } from './dashboard.ts'
import { imagesCommand, rmiCommand } from './images.ts'
import { applyCommand } from './apply.ts'
import { completionCommand } from './completion.ts'
import { createCommand } from './create.ts'
import { deleteCommand } from './delete.ts'
import { demoCommand } from './demo.ts'
import { describeCommand } from './describe.ts'
import { backupCommand, restoreCommand } from './backup-restore.ts'
import { downCommand } from './down.ts'
import { editCommand } from './edit.ts'
import { FLEET_COMMANDS } from './fleet.ts'
import { exposeCommand } from './expose.ts'
import { getCommand } from './get.ts'
import { labelCommand } from './label.ts'
import { logsCommand } from './logs.ts'
import { patchCommand } from './patch.ts'
import { pushCommand } from './push.ts'
import { rolloutAbortCommand, rolloutPromoteCommand, rolloutRetryCommand } from './rollout-argo.ts'
import { rolloutHistoryCommand } from './rollout-history.ts'
import { rolloutPauseCommand, rolloutResumeCommand } from './rollout-pause-resume.ts'
import { rolloutPlanCommand } from './rollout-plan.ts'
import { rolloutRestartCommand } from './rollout-restart.ts'
import { rolloutStatusCommand } from './rollout-status.ts'
import { rolloutUndoCommand } from './rollout-undo.ts'
import { runCommand } from './run.ts'
import { scaleCommand } from './scale.ts'
import { setEnvCommand } from './set-env.ts'
import { setImageCommand } from './set-image.ts'
import { upCommand } from './up.ts'
import { verifyCommand } from './verify.ts'
import { installServiceCommand } from './install-service.ts'
import { waitCommand } from './wait.ts'
import { versionCommand } from './version.ts'
import { kubeconfigCommand } from './kubeconfig.ts'

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
  labelCommand,
  annotateCommand,
  patchCommand,
  waitCommand,
  exposeCommand,
  runCommand,
  editCommand,
  setImageCommand,
  setEnvCommand,
  rolloutStatusCommand,
  rolloutHistoryCommand,
  rolloutUndoCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
  rolloutRestartCommand,
  rolloutPromoteCommand,
  rolloutAbortCommand,
  rolloutRetryCommand,
  rolloutPlanCommand,
  logsCommand,
  pushCommand,
  imagesCommand,
  rmiCommand,
  verifyCommand,
  dashboardCommand,
  demoCommand,
  installServiceCommand,
  ...FLEET_COMMANDS,
  versionCommand,
  kubeconfigCommand,
  completionCommand(() => COMMANDS),
]
