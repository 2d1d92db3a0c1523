/**
 * `netlens browser` end to end (DESIGN.md, Interception): a real `netlens proxy` process, then
 * `netlens browser --headless URL` as another process, as a user runs them. It prints one line,
 * its traffic is labelled with its own source, the profile is removed after exit, and the
 * errors a user meets are one or two lines.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRunningFile } from '@engine/system/runningFile.js';
import { controlRequest } from '@cli/runningNetlens.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { chromiumExecutable, firefoxExecutable, certutilExecutable } from '@fixtures/browserExecutables.js';
import { httpsOrigin, type Origin } from './proxyHarness.js';
import {
  buildCli,
  listening,
  root,
  runCli,
  spawnProxy,
  tempDir,
  type BuiltCli,
  type ProxyChild,
} from './cliHarness.js';

const LINE = /^NetLens browser: (chromium|firefox) pid (\d+) profile (\S+)$/;

let pki: TestPki;
let origin: Origin;
let cli: BuiltCli;
let dataDir: string;
let proxy: ProxyChild;
const dirs: string[] = [];
/** Every `netlens browser` a test started: one a failed test left running is stopped after it. */
const runs: BrowserRun[] = [];

beforeAll(async () => {
  chromiumExecutable();
  pki = makeTestPki();
  origin = await httpsOrigin(pki.valid, (req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<html><body>page ${req.url}</body></html>`);
  });
  cli = await buildCli('cli-browser');
  dataDir = tempDir('cli-browser');
  dirs.push(dataDir);
  const upstreamCa = path.join(dataDir, 'test-origin-ca.pem');
  fs.writeFileSync(upstreamCa, pki.ca.certPem);
  proxy = spawnProxy(cli, ['--port', '0', '--json', '--data-dir', dataDir], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: upstreamCa,
  });
  await listening(proxy);
});

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) continue;
    // SIGTERM: netlens browser stops its browser (own process group) and removes the profile.
    run.child.kill('SIGTERM');
    const stopped = await Promise.race([
      run.exit.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    if (!stopped) run.child.kill('SIGKILL');
  }
});

afterAll(async () => {
  await proxy?.stop();
  await origin.close();
  cli.remove();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface BrowserRun {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** The one line, parsed, once printed. */
  line(): Promise<{ name: string; pid: number; profile: string }>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function netlensBrowser(args: string[], env: NodeJS.ProcessEnv = process.env): BrowserRun {
  const child = spawn(process.execPath, [cli.runner, 'browser', '--data-dir', dataDir, ...args], {
    cwd: root,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exit.then(() => clearTimeout(killer));
  const run: BrowserRun = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    line: async () => {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n')) {
        if (Date.now() > deadline) throw new Error(`no line printed; stderr: ${stderr}`);
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const match = LINE.exec(stdout.split('\n')[0]!);
      if (!match) throw new Error(`unexpected line: ${stdout}`);
      return { name: match[1]!, pid: Number(match[2]), profile: match[3]! };
    },
  };
  runs.push(run);
  return run;
}

/** The NDJSON exchange line of the running proxy for this path, waiting (bounded). */
async function exchangeLine(pathname: string, timeoutMs = 45_000): Promise<Record<string, unknown>> {
  const line = await proxy.waitForLine(
    (l) =>
      l.startsWith('{"type":"exchange"') && l.includes(`"url":"https://127.0.0.1:${origin.port}${pathname}"`),
    timeoutMs,
  );
  return JSON.parse(line) as Record<string, unknown>;
}

async function openSources(): Promise<string[]> {
  const running = readRunningFile(dataDir).info!;
  const list = await controlRequest<{ source: string }[]>(running, 'GET', '/_netlens/sources');
  return list.map((s) => s.source);
}

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('netlens browser with a running netlens proxy', () => {
  it('prints one line, is labelled chromium#N, and on SIGTERM stops the browser, releases its port and removes the profile', async () => {
    const run = netlensBrowser(['--headless', `https://127.0.0.1:${origin.port}/cli-chromium`]);
    const { name, pid, profile } = await run.line();
    expect(name).toBe('chromium');
    expect(fs.existsSync(profile)).toBe(true);
    const exchange = await exchangeLine('/cli-chromium');
    expect(exchange).toMatchObject({ method: 'GET', status: 200 });
    expect(exchange.source).toMatch(/^chromium#\d+$/);
    expect(exchange.responseBodyBytes).toBe('<html><body>page /cli-chromium</body></html>'.length);
    expect(await openSources()).toContain(exchange.source);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout().trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr()).toBe('');
    expect(fs.existsSync(profile)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await openSources()).not.toContain(exchange.source);
  });

  it('exits when the browser does, with 128 + the signal that ended it, and cleans up', async () => {
    const run = netlensBrowser(['--headless', `https://127.0.0.1:${origin.port}/cli-exit`]);
    const { pid, profile } = await run.line();
    await exchangeLine('/cli-exit');
    process.kill(pid, 'SIGKILL');
    const exit = await run.exit;
    expect(exit.code).toBe(137);
    expect(run.stderr()).toContain('Chromium exited with SIGKILL');
    expect(fs.existsSync(profile)).toBe(false);
  });

  it('starts Firefox in a profile trusting the CA, labelled firefox#N', async () => {
    firefoxExecutable();
    certutilExecutable();
    const run = netlensBrowser([
      '--headless',
      '--browser',
      'firefox',
      `https://127.0.0.1:${origin.port}/cli-firefox`,
    ]);
    const { name, profile } = await run.line();
    expect(name).toBe('firefox');
    const exchange = await exchangeLine('/cli-firefox');
    expect(exchange).toMatchObject({ status: 200 });
    expect(exchange.source).toMatch(/^firefox#\d+$/);
    run.child.kill('SIGINT');
    expect((await run.exit).code).toBe(0);
    expect(fs.existsSync(profile)).toBe(false);
  });
});

describe('netlens browser: what a user can get wrong', () => {
  it('an unknown browser name: one line, exit 1', async () => {
    const result = await runCli(cli, ['browser', '--browser', 'netscape', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'netlens: Unknown browser "netscape": use one of chromium, chrome, edge, brave, firefox, or the path of a Chromium, Google Chrome, Microsoft Edge, Brave or Firefox executable.\n',
    );
    expect(result.stdout).toBe('');
  });

  it('a browser that is not installed: exit 1, naming where it looked', async () => {
    const result = await runCli(cli, ['browser', '--browser', 'brave', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^netlens: No Brave found; looked for brave-browser, brave-browser-stable, brave on PATH, \/opt\/brave.com\/brave, /,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('an executable that is not a browser: one line, exit 1', async () => {
    const result = await runCli(cli, ['browser', '--browser', '/bin/true', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^netlens: \/bin\/true is not a browser NetLens can launch/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a proxy port nothing listens on: one line saying to start netlens proxy, exit 1', async () => {
    const free = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(port));
      });
    });
    const empty = tempDir('cli-browser-empty');
    dirs.push(empty);
    const result = await runCli(cli, ['browser', '--proxy', `127.0.0.1:${free}`, '--data-dir', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `netlens: Nothing is listening on 127.0.0.1:${free} (ECONNREFUSED): start \`netlens proxy\` or the NetLens app first, or pass --proxy HOST:PORT.\n`,
    );
  });

  it('Firefox without certutil: one line saying what to install, and the source port released', async () => {
    firefoxExecutable();
    const emptyPath = tempDir('cli-browser-path');
    dirs.push(emptyPath);
    const before = await openSources();
    const result = await runCli(
      cli,
      ['browser', '--browser', 'firefox', '--headless', '--data-dir', dataDir],
      {
        env: { ...process.env, PATH: emptyPath },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^netlens: certutil \(the NSS tools\) is not installed: install libnss3-tools/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    await until(async () => (await openSources()).length === before.length, 'the source port to be released');
  });

  it('a URL argument that is a flag: usage error, exit 2', async () => {
    const result = await runCli(cli, [
      'browser',
      '--data-dir',
      dataDir,
      '--',
      '--remote-debugging-port=9222',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a URL');
  });
});
