/**
 * The app's terminal channels against a real engine with proxy authentication on (as when it
 * listens beyond loopback): `terminal:env` lines evaluated by bash let curl through with the
 * label and the secret, `--docker` flags carry them too, and `terminal:open` starts a terminal
 * (a stand-in emulator named by $TERMINAL) whose real `netlens shell` registers its source port.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '@fixtures/certificates.js';
import { terminalHandlers } from '@engine/api/terminalHandlers.js';
import { ApiFailure } from '@engine/api/apiFailure.js';
import { SYSTEM_ROOTS_ENV } from '@engine/system/terminal/systemRoots.js';
import { buildCli, tempDir, type BuiltCli } from './cliHarness.js';
import { httpsOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';

let cli: BuiltCli;
let work: string;
let rootsFile: string;
let proxy: TestProxy;
let origin: Origin;

beforeAll(async () => {
  cli = await buildCli('terminal-handlers');
  work = tempDir('terminal-handlers');
  const pki = makeTestPki();
  rootsFile = path.join(work, 'roots.pem');
  fs.writeFileSync(rootsFile, pki.ca.certPem);
  proxy = await startProxy({}, { proxyAuth: 'on', extraUpstreamCaCerts: [pki.ca.certPem] });
  origin = await httpsOrigin(pki.valid, (req, res) => {
    req.resume();
    req.on('end', () => res.end(`hello ${req.url}`));
  });
});

afterAll(async () => {
  await proxy?.close();
  await origin?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  cli?.remove();
});

function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: work, SHELL: '/bin/bash', LANG: 'C.UTF-8', ...extra };
}

function handlers(env: NodeJS.ProcessEnv = userEnv()) {
  return terminalHandlers(proxy.engine, {
    env,
    roots: { env: { [SYSTEM_ROOTS_ENV]: rootsFile } },
    cli: { command: process.execPath, args: [cli.runner], env: {} },
    openTimeoutMs: 30_000,
  });
}

/** Polls `condition` (bounded: 20 s) until it holds. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('/bin/bash', ['-c', script], { env: userEnv(), timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('terminal:env', () => {
  it('gives lines that carry the label and the secret: curl gets through a proxy that asks for authentication', async () => {
    const table = handlers();
    const setup = await table['terminal:env']!.handle('sh', {});
    expect(setup.source).toMatch(/^terminal#\d+$/);
    expect(setup.proxyUrl).toBe(
      `http://${encodeURIComponent(setup.source)}:${proxy.engine.proxySecret}@127.0.0.1:${proxy.port}`,
    );
    // Showing the card again does not count up a new label.
    expect((await table['terminal:env']!.handle('fish', {})).source).toBe(setup.source);

    const file = path.join(work, 'env.sh');
    fs.writeFileSync(file, `${setup.lines.join('\n')}\n`);
    const through = await bash(
      `eval "$(cat '${file}')" && curl -sS --fail https://localhost:${origin.port}/app-env`,
    );
    expect(through.stderr).toBe('');
    expect(through.stdout).toBe('hello /app-env');
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/app-env'));
    expect(exchange.source).toBe(setup.source);

    // The same request without the credentials is refused: authentication really is on.
    const refused = await bash(
      `curl -sS -o /dev/null -w '%{http_code}' -x http://127.0.0.1:${proxy.port} http://localhost:${origin.port}/`,
    );
    expect(refused.stdout).toBe('407');
  });

  it('docker flags carry docker#N and the secret, and say that loopback is out of reach', async () => {
    const setup = await handlers()['terminal:env']!.handle('sh', { docker: true });
    expect(setup.source).toMatch(/^docker#\d+$/);
    expect(setup.proxyUrl).toBe(
      `http://${encodeURIComponent(setup.source)}:${proxy.engine.proxySecret}@host.docker.internal:${proxy.port}`,
    );
    expect(setup.lines).toHaveLength(1);
    expect(setup.lines[0]).toContain(`--env=HTTPS_PROXY=${setup.proxyUrl}`);
    expect(setup.lines[0]).toContain(`--volume=${proxy.engine.caCertPath}:/netlens/netlens-ca.pem:ro`);
    expect(setup.notes).toHaveLength(1);
    expect(setup.notes[0]).toMatch(/listens on 127\.0\.0\.1:\d+ only.*--host 0\.0\.0\.0/);
  });
});

describe('terminal:open', () => {
  it('opens a terminal running netlens shell and answers with the source it registered', async () => {
    const fakeTerminal = path.join(work, 'fake-terminal');
    const log = path.join(work, 'fake-terminal.log');
    // A stand-in emulator: runs what follows -e, with a stdin that stays open like a terminal's.
    fs.writeFileSync(fakeTerminal, `#!/bin/sh\n[ "$1" = "-e" ] && shift\nsleep 60 | "$@" > '${log}' 2>&1\n`, {
      mode: 0o755,
    });
    const opened = await handlers(userEnv({ TERMINAL: fakeTerminal, DISPLAY: ':99' }))[
      'terminal:open'
    ]!.handle();
    expect(opened.source).toMatch(/^terminal#\d+$/);
    const listener = proxy.engine.sources.list().find((source) => source.source === opened.source);
    expect(listener?.ownerPid).toBeGreaterThan(0);
    // The shell in the window says which source it is (it registers first, then starts the shell).
    await waitFor(() => fs.readFileSync(log, 'utf8').includes(`as ${opened.source}`), 'the shell to start');

    // Closing the window (its process group) ends the shell, which releases its source port.
    process.kill(-opened.pid, 'SIGTERM');
    await waitFor(
      () => !proxy.engine.sources.list().some((source) => source.source === opened.source),
      `${opened.source} to be released`,
    );
  });

  it('says so when the terminal fails before its shell starts, and when there is no graphical session', async () => {
    const broken = path.join(work, 'broken-terminal');
    fs.writeFileSync(broken, '#!/bin/sh\necho "cannot open display" >&2\nexit 3\n', { mode: 0o755 });
    const failed = await Promise.resolve()
      .then(() => handlers(userEnv({ TERMINAL: broken, DISPLAY: ':99' }))['terminal:open']!.handle())
      .catch((caught: unknown) => caught);
    expect((failed as ApiFailure).code).toBe('terminal_failed');
    expect((failed as ApiFailure).message).toBe(
      'broken-terminal exited with code 3 before its `netlens shell` started. Run `netlens shell` in a terminal instead.',
    );

    const headless = await Promise.resolve()
      .then(() => handlers(userEnv({ TERMINAL: broken }))['terminal:open']!.handle())
      .catch((caught: unknown) => caught);
    expect((headless as ApiFailure).code).toBe('unsupported');
    expect((headless as ApiFailure).message).toMatch(
      /^No graphical session here \(neither DISPLAY nor WAYLAND_DISPLAY is set\)/,
    );
  });

  it('says which terminals it looked for when none is installed', async () => {
    const empty = path.join(work, 'empty-bin');
    fs.mkdirSync(empty, { recursive: true });
    const table = handlers({ PATH: empty, HOME: work, DISPLAY: ':99' });
    const error = await Promise.resolve()
      .then(() => table['terminal:open']!.handle())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiFailure);
    expect((error as ApiFailure).code).toBe('not_found');
    expect((error as ApiFailure).message).toMatch(
      /^No terminal emulator found \(looked for x-terminal-emulator, gnome-terminal, .*xterm on PATH\)\. Set \$TERMINAL/,
    );
  });
});
