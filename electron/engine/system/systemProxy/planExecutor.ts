/**
 * Runs a plan (settingsPlan.ts). Turning the proxy on is all or nothing: when a step fails, the
 * steps already done are undone, newest first — the failing one too when some of its commands
 * had run — so the machine is never left half-set.
 * Restoring is the other way round: every step is tried even when one fails, because giving
 * back as much as possible is better than stopping halfway; the failures are reported.
 */
import { commandSucceeded, failureText, type CommandRunner, type SystemCommand } from './systemCommand.js';
import type { SettingsPlan } from './settingsPlan.js';

export interface PlanRun {
  /** Best-effort notifications that failed, one line each. */
  warnings: string[];
}

export class PlanFailure extends Error {
  override name = 'PlanFailure';
  constructor(
    message: string,
    /** The setting whose step failed, and why. */
    readonly failedSetting: string,
    readonly reason: string,
    /** Undo commands that failed too (empty when everything changed was put back). */
    readonly undoFailures: string[],
  ) {
    super(message);
  }
  get undone(): boolean {
    return this.undoFailures.length === 0;
  }
}

export interface RestoreRun extends PlanRun {
  /** Steps that failed, one line each; empty when everything was restored. */
  failures: string[];
}

interface CommandsRun {
  /** Why a command failed; undefined when all ran. */
  failed?: string;
  /** How many commands succeeded before it. */
  succeeded: number;
}

async function runCommands(commands: SystemCommand[], run: CommandRunner): Promise<CommandsRun> {
  let succeeded = 0;
  for (const command of commands) {
    const output = await run(command);
    if (!commandSucceeded(command, output)) return { failed: failureText(command, output), succeeded };
    succeeded += 1;
  }
  return { succeeded };
}

async function notify(plan: SettingsPlan, run: CommandRunner): Promise<string[]> {
  const warnings: string[] = [];
  for (const command of plan.notify) {
    const { failed } = await runCommands([command], run);
    if (failed) warnings.push(`Running applications were not told of the change (${failed}); restart them.`);
  }
  return warnings;
}

/** Runs `plan` all or nothing; rejects with a PlanFailure after undoing what it had done. */
export async function applyPlan(plan: SettingsPlan, run: CommandRunner): Promise<PlanRun> {
  for (let index = 0; index < plan.steps.length; index += 1) {
    const step = plan.steps[index]!;
    const { failed, succeeded } = await runCommands(step.commands, run);
    if (failed === undefined) continue;
    // A single failed command changed nothing (the OS tools apply a value whole or not at all);
    // a step whose first commands ran is undone with the others.
    const changedSteps = succeeded > 0 ? index + 1 : index;
    const undoFailures: string[] = [];
    for (let back = changedSteps - 1; back >= 0; back -= 1) {
      const undo = plan.steps[back]!;
      const undone = await runCommands(undo.undo, run);
      if (undone.failed) undoFailures.push(`${undo.setting}: ${undone.failed}`);
    }
    if (changedSteps > 0) await notify(plan, run);
    const outcome =
      undoFailures.length === 0
        ? changedSteps === 0
          ? 'Nothing was changed.'
          : 'Everything NetLens had changed was put back.'
        : `Putting back failed too (${undoFailures.join('; ')}).`;
    throw new PlanFailure(
      `Could not set ${step.setting}: ${failed}. ${outcome}`,
      step.setting,
      failed,
      undoFailures,
    );
  }
  return { warnings: await notify(plan, run) };
}

/** Runs every step of a restore plan, whatever fails; says what failed. */
export async function runRestorePlan(plan: SettingsPlan, run: CommandRunner): Promise<RestoreRun> {
  const failures: string[] = [];
  for (const step of plan.steps) {
    const { failed } = await runCommands(step.commands, run);
    if (failed) failures.push(`${step.setting}: ${failed}`);
  }
  return { failures, warnings: await notify(plan, run) };
}
