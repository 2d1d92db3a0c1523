/**
 * Command-line arguments of the Electron app. `netlens` launches Electron with
 * `main.cjs --data-dir DIR`; Chromium adds its own switches, which are ignored here.
 */
export interface AppArgs {
  dataDir?: string;
  /** `--devtools`: allow DevTools in a packaged app (they are always there in development). */
  devTools?: boolean;
}

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const args: AppArgs = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--data-dir' && i + 1 < argv.length) {
      args.dataDir = argv[i + 1];
      i += 1;
    } else if (arg.startsWith('--data-dir=')) {
      args.dataDir = arg.slice('--data-dir='.length);
    } else if (arg === '--devtools') {
      args.devTools = true;
    }
  }
  if (args.dataDir !== undefined && args.dataDir.trim() === '') delete args.dataDir;
  return args;
}
