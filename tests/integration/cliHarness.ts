/**
 * The built `netlens` CLI as a child process, for the cli*.test.ts files. The CLI is bundled
 * fresh from the sources for each test file (the same esbuild options as scripts/build.mjs), so
 * a test never runs a stale dist/; one test in cliCa.test.ts runs bin/netlens.js itself.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode } from '@fixtures/nodeBundle.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BuiltCli {
  /** A script that runs the bundled CLI: `node runner ...args`. */
  runner: string;
  remove(): void;
}

export async function buildCli(name: string): Promise<BuiltCli> {
  // Inside the repo so the bundle's external packages resolve from node_modules.
  const outDir = path.join(root, 'node_modules', '.cache', 'netlens-tests', `${name}-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  const cli = path.join(outDir, 'cli.mjs');
  await bundleForNode(path.join(root, 'electron/cli/cli.ts'), cli);
  const runner = path.join(outDir, 'run.mjs');
  writeFileSync(
    runner,
    `const { main } = await import(${JSON.stringify(pathToFileURL(cli).href)});\nawait main(process.argv.slice(2));\n`,
  );
  return { runner, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `netlens-${prefix}-`));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (bounded). */
export function runCli(
  cli: BuiltCli,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; limitMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli.runner, ...args],
      {
        cwd: root,
        env: options.env ?? process.env,
        timeout: options.limitMs ?? 30_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        if (failure && typeof failure.code !== 'number' && !failure.signal) {
          reject(failure);
          return;
        }
        resolve({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** A long-running `netlens proxy` child whose stdout is read line by line. */
export interface ProxyChild {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  lines: string[];
  stderr(): string;
  /** The first stdout line matching `predicate`, waiting up to `timeoutMs`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and waits (bounded) for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<RunResult>;
  /** Whether the process has exited. */
  exited(): boolean;
}

export function spawnProxy(
  cli: BuiltCli,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  /** `web` runs `netlens web` the same way (its proxy lines are the same). */
  command: 'proxy' | 'web' = 'proxy',
): ProxyChild {
  const child = spawn(process.execPath, [cli.runner, command, ...args], { cwd: root, env });
  const lines: string[] = [];
  let partial = '';
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal };
      for (const wake of waiters) wake();
      resolve();
    });
  });

  return {
    child,
    pid: child.pid!,
    lines,
    stderr: () => stderr,
    exited: () => exit !== undefined,
    waitForLine(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = lines.find(predicate);
          if (found !== undefined) {
            done();
            resolve(found);
            return true;
          }
          if (exit) {
            done();
            reject(new Error(`netlens proxy exited (${exit.code ?? exit.signal}) first. stderr: ${stderr}`));
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching line within ${timeoutMs} ms. stdout: ${stdout} stderr: ${stderr}`));
        }, timeoutMs);
        const wake = (): void => void check();
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        if (!check()) waiters.add(wake);
      });
    },
    async stop(signal = 'SIGINT', timeoutMs = 20_000) {
      if (!exit) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exitPromise;
      clearTimeout(timer);
      return { code: exit!.code, signal: exit!.signal, stdout, stderr };
    },
  };
}

/** The `listening` line of --json mode, parsed. */
export async function listening(proxy: ProxyChild): Promise<{ proxy: string; caCert: string; port: number }> {
  const line = await proxy.waitForLine((l) => l.startsWith('{"type":"listening"'));
  const parsed = JSON.parse(line) as { proxy: string; caCert: string };
  return { ...parsed, port: Number(new URL(parsed.proxy).port) };
}

export interface CurlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function curl(args: string[], timeoutMs = 20_000): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/curl', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === 'number'
          ? (error as { code: number }).code
          : null
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Peak resident set size of a process, in bytes (Linux: VmHWM); undefined elsewhere. */
export async function peakRssBytes(pid: number): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
