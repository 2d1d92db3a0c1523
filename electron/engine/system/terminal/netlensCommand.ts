/**
 * How this process starts the `netlens` command line (the app's "Open a terminal" runs
 * `netlens shell` in the new window). Under Electron the app's own binary runs the CLI bundle
 * as plain Node (ELECTRON_RUN_AS_NODE, which `netlens shell` removes again from the shell's
 * environment); under Node (web mode) it is this Node and the script it was started with.
 */
import path from 'node:path';

export interface CliInvocation {
  command: string;
  /** Arguments before the CLI's own (the script). */
  args: string[];
  /** Variables the CLI process needs on top of the current environment. */
  env: Record<string, string>;
}

export function currentCliInvocation(): CliInvocation | undefined {
  if (process.versions.electron) {
    // The main process is the CommonJS bundle dist/electron/main.cjs; the CLI is dist/cli.js.
    if (typeof __filename !== 'string') return undefined;
    return {
      command: process.execPath,
      args: [path.resolve(path.dirname(__filename), '..', 'cli.js')],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    };
  }
  const script = process.argv[1];
  if (!script) return undefined;
  return { command: process.execPath, args: [path.resolve(script)], env: {} };
}
