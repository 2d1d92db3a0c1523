import fs from 'node:fs';
import { runCommand, type CommandRunner } from './commandRunner.js';
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

/** What running steps needs from the machine (tests give an in-memory one). */
export interface StepExecutor {
  run: CommandRunner;
  mkdir(dir: string, mode: number): Promise<void>;
  writeFile(file: string, contents: string, mode: number): Promise<void>;
  remove(file: string): Promise<void>;
}

export function realStepExecutor(run: CommandRunner = runCommand): StepExecutor {
  return {
    run,
    mkdir: async (dir, mode) => {
      await fs.promises.mkdir(dir, { recursive: true, mode });
    },
    writeFile: async (file, contents, mode) => {
      await fs.promises.writeFile(file, contents, { mode });
      // writeFile keeps an existing file's mode: make it the planned one.
      await fs.promises.chmod(file, mode);
    },
    remove: (file) => fs.promises.rm(file, { force: true }),
  };
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
export async function runTrustSteps(steps: readonly TrustStep[], executor: StepExecutor): Promise<void> {
  for (const step of steps) {
    try {
      switch (step.kind) {
        case 'run': {
          const result = await executor.run(step.command, step.args);
          if (result.code !== 0) {
            const output =
              firstLines(result.stderr) || firstLines(result.stdout) || `exit code ${result.code}`;
            throw new TrustStepError(step, `\`${describeStep(step)}\` failed: ${output}`);
          }
          break;
        }
        case 'mkdir':
          await executor.mkdir(step.path, step.mode ?? 0o700);
          break;
        case 'writeFile':
          await executor.writeFile(step.path, step.contents, step.mode ?? 0o644);
          break;
        case 'remove':
          await executor.remove(step.path);
          break;
      }
    } catch (error) {
      if (error instanceof TrustStepError) throw error;
      throw new TrustStepError(step, `${describeStep(step)}: ${(error as Error).message}`);
    }
  }
}
