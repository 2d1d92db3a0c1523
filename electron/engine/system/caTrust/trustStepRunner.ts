import fs from 'node:fs';
import type { CommandRunner } from './commandRunner.js';
import { describeStep, type TrustStep } from './trustSteps.js';

/** A step that failed: which one and why (the tool's own first lines of error output). */
export class TrustStepError extends Error {
  constructor(
    readonly step: TrustStep,
    message: string,
  ) {
    super(message);
    this.name = 'TrustStepError';
  }
}

function firstLines(text: string, count = 2): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, count)
    .join(' ');
}

/** Runs the steps in order and stops at the first failure (a TrustStepError naming the step). */
export async function runTrustSteps(steps: readonly TrustStep[], run: CommandRunner): Promise<void> {
  for (const step of steps) {
    try {
      switch (step.kind) {
        case 'run': {
          const result = await run(step.command, step.args);
          if (result.code !== 0) {
            const output =
              firstLines(result.stderr) || firstLines(result.stdout) || `exit code ${result.code}`;
            throw new TrustStepError(step, `\`${describeStep(step)}\` failed: ${output}`);
          }
          break;
        }
        case 'mkdir':
          await fs.promises.mkdir(step.path, { recursive: true, mode: step.mode ?? 0o700 });
          break;
        case 'writeFile':
          await fs.promises.writeFile(step.path, step.contents, { mode: step.mode ?? 0o644 });
          // writeFile keeps an existing file's mode: make it the planned one.
          await fs.promises.chmod(step.path, step.mode ?? 0o644);
          break;
        case 'remove':
          await fs.promises.rm(step.path, { force: true });
          break;
      }
    } catch (error) {
      if (error instanceof TrustStepError) throw error;
      throw new TrustStepError(step, `${describeStep(step)}: ${(error as Error).message}`);
    }
  }
}
