/**
 * Starts a browser preconfigured for NetLens (DESIGN.md, Interception: `netlens browser`): a
 * throw-away profile pointed at the proxy and trusting the NetLens CA, removed once the browser
 * has exited. Used by the CLI and by the app's `browsers:launch`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserInfo } from '../../../../shared/browsers.js';
import { caIdentityOf } from '../caTrust/caIdentity.js';
import { runCommand, type CommandRunner } from '../caTrust/commandRunner.js';
import { findExecutable } from '../caTrust/executableSearch.js';
import { CERTUTIL_MISSING_MESSAGE, nssInstallPlan } from '../caTrust/nssDatabase.js';
import { realStepExecutor, runTrustSteps } from '../caTrust/trustStepRunner.js';
import { chromiumArgs } from './chromiumArgs.js';
import { FIREFOX_ENVIRONMENT, firefoxArgs, firefoxUserJs } from './firefoxProfile.js';
import { spkiSha256Base64 } from './spkiHash.js';

export interface BrowserLaunchOptions {
  browser: BrowserInfo;
  proxy: { host: string; port: number };
  ca: { certPem: string; certPath: string };
  url?: string;
  headless?: boolean;
  /** The browser's environment (and where certutil is looked up); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the throw-away profile is created; default: the OS temp folder, or the snap's / Flatpak's own. */
  profileParent?: string;
  run?: CommandRunner;
}

export interface BrowserExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedBrowserProcess {
  pid: number;
  profileDir: string;
  /** Said once before the browser started (e.g. the CA could not be added to a Firefox profile). */
  warnings: string[];
  /** Resolves once the browser has exited and its profile is removed. */
  exited: Promise<BrowserExit & { profileRemoved: boolean }>;
  /** The last lines the browser wrote on stderr (to explain an early exit). */
  stderrTail(): string;
  /** Asks the browser to quit (SIGTERM to its process group), kills it after `graceMs`; resolves as `exited`. */
  stop(graceMs?: number): Promise<BrowserExit & { profileRemoved: boolean }>;
}

export class BrowserLaunchError extends Error {
  readonly code = 'browser_launch_failed';
}

const STDERR_TAIL_BYTES = 4096;

/** Snap and Flatpak browsers see neither the host's /tmp nor hidden folders of HOME. */
export function defaultProfileParent(browser: BrowserInfo, homeDir: string): string {
  if (browser.packaging === 'snap' && browser.packageId) {
    return path.join(homeDir, 'snap', browser.packageId, 'common', 'netlens-profiles');
  }
  if (browser.packaging === 'flatpak' && browser.packageId) {
    return path.join(homeDir, '.var', 'app', browser.packageId, 'cache', 'netlens-profiles');
  }
  return os.tmpdir();
}

async function removeProfile(dir: string): Promise<boolean> {
  try {
    // Helper processes may still be closing files in it for a moment.
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    return !fs.existsSync(dir);
  } catch {
    return false;
  }
}

async function prepareFirefoxProfile(
  options: BrowserLaunchOptions,
  profileDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  await fs.promises.writeFile(path.join(profileDir, 'user.js'), firefoxUserJs(options.proxy), {
    mode: 0o600,
  });
  const certutil = findExecutable('certutil', { pathValue: env.PATH ?? env.Path });
  if (!certutil) {
    if (process.platform === 'linux') {
      throw new BrowserLaunchError(
        `${CERTUTIL_MISSING_MESSAGE} Firefox needs it to trust the NetLens CA in its profile.`,
      );
    }
    return [
      'certutil (NSS tools) was not found: Firefox trusts the NetLens CA only if the OS store does (run `netlens ca --install`).',
    ];
  }
  const ca = caIdentityOf(options.ca.certPem, options.ca.certPath);
  try {
    await runTrustSteps(
      nssInstallPlan({ certutil, dir: profileDir, dbExists: false, listed: false, ca }),
      realStepExecutor(options.run ?? runCommand),
    );
  } catch (error) {
    throw new BrowserLaunchError(
      `Cannot add the NetLens CA to the Firefox profile: ${(error as Error).message}`,
    );
  }
  return [];
}

export async function launchBrowser(options: BrowserLaunchOptions): Promise<LaunchedBrowserProcess> {
  const { browser } = options;
  const env = options.env ?? process.env;
  const homeDir = (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  const parent = options.profileParent ?? defaultProfileParent(browser, homeDir);
  await fs.promises.mkdir(parent, { recursive: true });
  const profileDir = await fs.promises.mkdtemp(path.join(parent, `netlens-${browser.id}-`));
  let warnings: string[] = [];
  let args: string[];
  try {
    if (browser.family === 'firefox') {
      warnings = await prepareFirefoxProfile(options, profileDir, env);
      args = firefoxArgs({
        profileDir,
        ...(options.url ? { url: options.url } : {}),
        ...(options.headless ? { headless: true } : {}),
      });
    } else {
      args = chromiumArgs({
        proxy: options.proxy,
        spkiHash: spkiSha256Base64(options.ca.certPem),
        profileDir,
        ...(options.url ? { url: options.url } : {}),
        ...(options.headless ? { headless: true } : {}),
        platform: process.platform,
        runningAsRoot: typeof process.getuid === 'function' && process.getuid() === 0,
      });
    }
  } catch (error) {
    await removeProfile(profileDir);
    throw error;
  }

  const posix = process.platform !== 'win32';
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      // Its own process group, so stopping it also stops its helper processes.
      const started = spawn(browser.path, args, {
        env: browser.family === 'firefox' ? { ...env, ...FIREFOX_ENVIRONMENT } : env,
        detached: posix,
        stdio: ['ignore', 'ignore', 'pipe'],
        windowsHide: false,
      });
      started.once('spawn', () => resolve(started));
      started.once('error', reject);
    });
  } catch (error) {
    await removeProfile(profileDir);
    throw new BrowserLaunchError(
      `Cannot start ${browser.name} (${browser.path}): ${(error as Error).message}`,
    );
  }
  const pid = child.pid!;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      if (posix) process.kill(-pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  let exitedAlready = false;
  const exited = new Promise<BrowserExit & { profileRemoved: boolean }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedAlready = true;
      // Helpers left behind (a crash handler, a zygote) would keep the profile busy.
      killGroup('SIGKILL');
      void removeProfile(profileDir).then((profileRemoved) => resolve({ code, signal, profileRemoved }));
    });
  });

  return {
    pid,
    profileDir,
    warnings,
    exited,
    stderrTail: () => stderr,
    async stop(graceMs = 5000) {
      if (!exitedAlready) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
        timer.unref();
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}
