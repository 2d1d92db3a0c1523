/**
 * The shared end-to-end harness: starts NetLens in web mode as a user would (`netlens web`)
 * and launches Debian's Chromium through playwright-core. Every e2e test uses it, so the
 * process handling (ports, readiness, clean-up by PID) lives in one place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface StartWebAppOptions {
  /** Use this data dir (kept after stop); default: a fresh temp dir, removed by stop(). */
  dataDir?: string;
  /** Extra arguments for `netlens web` (e.g. ['--redact'], ['--har', file]). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface WebApp {
  /** http://127.0.0.1:PORT/?token=TOKEN */
  uiUrl: string;
  /** http://127.0.0.1:PORT of the capture proxy. */
  proxyUrl: string;
  caCertPath: string;
  dataDir: string;
  /** The token alone (also inside uiUrl). */
  token: string;
  pid: number;
  /** Every NDJSON line printed after `listening` (e.g. `{"type":"exchange",...}`), parsed. */
  readonly lines: unknown[];
  /** Everything written to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the temp data dir. Resolves to the exit code. */
  stop(): Promise<number | null>;
}

interface ListeningLine {
  type: 'listening';
  proxy: string;
  caCert: string;
  ui: string;
}

function isListeningLine(value: unknown): value is ListeningLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.type === 'listening' &&
    typeof v.proxy === 'string' &&
    typeof v.caCert === 'string' &&
    typeof v.ui === 'string'
  );
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Runs `node bin/netlens.js web --port 0 --proxy-port 0 --json --data-dir DIR` and waits for its listening line. */
export async function startWebApp(options: StartWebAppOptions = {}): Promise<WebApp> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'netlens-e2e-'));
  const args = [
    path.join(root, 'bin', 'netlens.js'),
    'web',
    '--port',
    '0',
    '--proxy-port',
    '0',
    '--json',
    '--data-dir',
    dataDir,
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const lines: unknown[] = [];
  let pending = '';
  let stopped: Promise<number | null> | undefined;

  const stop = (): Promise<number | null> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_TIMEOUT_MS);
        }
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    })();
    return stopped;
  };

  const listening = await new Promise<ListeningLine>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`netlens web did not print its listening line within ${READY_TIMEOUT_MS} ms.\n${stderr}`),
      );
    }, READY_TIMEOUT_MS);
    let ready = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        if (line === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          if (!ready) {
            clearTimeout(timer);
            reject(new Error(`netlens web printed a non-JSON line with --json: ${line}\n${stderr}`));
          }
          continue;
        }
        if (!ready && isListeningLine(parsed)) {
          ready = true;
          clearTimeout(timer);
          resolve(parsed);
        } else {
          lines.push(parsed);
        }
      }
    });
    child.once('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`netlens web exited (code ${code}, signal ${signal}) before listening.\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  const token = new URL(listening.ui).searchParams.get('token') ?? '';
  return {
    uiUrl: listening.ui,
    proxyUrl: listening.proxy,
    caCertPath: listening.caCert,
    dataDir,
    token,
    pid: child.pid!,
    lines,
    stderr: () => stderr,
    stop,
  };
}

/** The Chromium flags every e2e test uses (house rules). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Launches headless Chromium. A missing browser fails loudly (under CI=true and everywhere
 * else): an e2e run that silently skips proves nothing.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    const where = process.env.CI === 'true' ? ' (CI=true)' : '';
    throw new Error(
      `Chromium not found at ${executablePath}${where}. Install it (apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH to a Chromium/Chrome binary.',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
