/**
 * What installing or removing the CA in a store does, as data: built from the store's current
 * state (tested with recorded tool outputs), printed by `--dry-run`, run by trustStepRunner.ts.
 */
export type TrustStep =
  | { kind: 'run'; command: string; args: string[] }
  | { kind: 'mkdir'; path: string; mode?: number }
  | { kind: 'writeFile'; path: string; contents: string; mode?: number }
  | { kind: 'remove'; path: string };

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One line a user can read (and, for `run`, paste into a POSIX shell). */
export function describeStep(step: TrustStep): string {
  switch (step.kind) {
    case 'run':
      return [step.command, ...step.args].map(shellWord).join(' ');
    case 'mkdir':
      return `mkdir -p ${shellWord(step.path)}`;
    case 'writeFile':
      return `write ${shellWord(step.path)} (${Buffer.byteLength(step.contents)} bytes)`;
    case 'remove':
      return `rm -f ${shellWord(step.path)}`;
  }
}
