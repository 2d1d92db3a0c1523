/**
 * `netlens` with no arguments (and `npm start`): opens the desktop app. On the first run
 * Electron's binary is missing (npm install does not fetch it): it is downloaded then, with a
 * progress line (electronDownload.ts), and the window opens. When Electron cannot run here —
 * the download failed (offline), the app is not built, or there is no display — it says so in
 * one line and serves the same UI in web mode instead, printing its URL.
 *
 * Electron is located without loading the electron package: that module downloads the binary
 * silently and throws when it cannot; the download here is explicit, bounded and reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DEFAULT_PROXY_HOST, DEFAULT_PROXY_PORT } from './proxyOptions.js';
import { DEFAULT_UI_PORT, runWebFromCli } from './webCommand.js';
import { downloadElectron, stderrProgress } from './electronDownload.js';

export type ElectronLaunch =
  | { ok: true; executable: string; mainScript: string }
  | {
      ok: false;
      reason: string;
      /** Only the binary is missing: downloading it would let the app start. */
      missingBinary?: boolean;
    };

export interface LocateOptions {
  /** The NetLens package root (holds package.json, node_modules/, dist/). */
  packageRoot: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  exists?: (file: string) => boolean;
  readText?: (file: string) => string;
}

/** The package root: the nearest folder above `fromFile` holding NetLens' package.json. */
export function findPackageRoot(fromFile: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(fromFile);
  for (let depth = 0; depth < 8; depth += 1) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'netlens') return dir;
      } catch {
        // Not ours (or unreadable): keep looking upwards.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(path.dirname(fromFile), '..');
}

/** Decides whether the desktop app can start, and with what; pure apart from the injected fs. */
export function locateElectron(options: LocateOptions): ElectronLaunch {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;
  const readText = options.readText ?? ((file: string) => readFileSync(file, 'utf8'));
  const mainScript = path.join(options.packageRoot, 'dist', 'electron', 'main.cjs');
  const electronDir = path.join(options.packageRoot, 'node_modules', 'electron');
  const pathFile = path.join(electronDir, 'path.txt');

  let relative: string | undefined;
  if (exists(pathFile)) {
    try {
      relative = readText(pathFile).trim();
    } catch {
      relative = undefined;
    }
  }
  // ELECTRON_OVERRIDE_DIST_PATH is electron's own way to use a binary from elsewhere.
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const executable = override
    ? path.join(override, relative || (platform === 'win32' ? 'electron.exe' : 'electron'))
    : relative
      ? path.join(electronDir, 'dist', relative)
      : undefined;
  // The display first: a headless machine gains nothing from a 100 MB download.
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return {
      ok: false,
      reason: 'No display to open the desktop app on (DISPLAY and WAYLAND_DISPLAY are unset)',
    };
  }
  if (!exists(mainScript)) {
    return { ok: false, reason: 'The desktop app is not built (run `npm run build`)' };
  }
  if (!executable || !exists(executable)) {
    return {
      ok: false,
      missingBinary: !override && exists(path.join(electronDir, 'install.js')),
      reason:
        "Electron's binary is missing (run `npx install-electron` in the NetLens folder to download it)",
    };
  }
  return { ok: true, executable, mainScript };
}

/** Runs Electron on the app until it exits; forwards Ctrl-C / SIGTERM to it. */
function runElectron(
  launch: Extract<ElectronLaunch, { ok: true }>,
  dataDir: string | undefined,
): Promise<number> {
  const env = { ...process.env };
  // Set by some tools; it would make Electron behave as plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const args = [launch.mainScript, ...(dataDir ? ['--data-dir', path.resolve(dataDir)] : [])];
  const child = spawn(launch.executable, args, { stdio: 'inherit', env, windowsHide: false });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

export function registerAppCommand(program: Command): void {
  program
    .command('app', { isDefault: true })
    .description('open the NetLens desktop app (the default); web mode when Electron cannot run here')
    .action(async (_flags: unknown, command: Command) => {
      const { dataDir } = command.optsWithGlobals<{ dataDir?: string }>();
      const packageRoot = findPackageRoot();
      let launch = locateElectron({ packageRoot });
      if (!launch.ok && launch.missingBinary) {
        try {
          await downloadElectron({
            electronDir: path.join(packageRoot, 'node_modules', 'electron'),
            progress: stderrProgress(),
          });
          launch = locateElectron({ packageRoot });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          launch = {
            ok: false,
            reason: `Electron's binary is missing and downloading it failed (${reason})`,
          };
        }
      }
      if (launch.ok) {
        try {
          process.exit(await runElectron(launch, dataDir));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          console.error(`netlens: Electron failed to start (${reason}); serving the UI in web mode instead.`);
        }
      } else {
        console.error(`netlens: ${launch.reason}; serving the UI in web mode instead.`);
      }
      const { resolveDataDir } = await import('../engine/system/dataDir.js');
      await runWebFromCli({
        dataDir: resolveDataDir(dataDir),
        host: DEFAULT_PROXY_HOST,
        port: DEFAULT_PROXY_PORT,
        uiPort: DEFAULT_UI_PORT,
        redact: false,
        json: false,
        settings: {},
      });
    });
}
