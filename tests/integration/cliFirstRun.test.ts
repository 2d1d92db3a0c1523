/**
 * The desktop app's first run: Electron's binary is missing, so `netlens` downloads it with
 * Electron's own tools and opens the app — here from a local server standing in for the download
 * host (ELECTRON_MIRROR, Electron's own variable), serving a small zip whose `electron` is a
 * script that records its arguments. Offline (the mirror refuses), it says so in one line and
 * serves web mode. A stalled download is given up after the stall timeout. Nothing here leaves
 * 127.0.0.1, and the project's own node_modules/electron is never touched: the CLI runs from a
 * copy of the package whose node_modules links to the real one, electron excepted.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '@fixtures/nodeBundle.js';
import { storedZip } from '@fixtures/storedZip.js';
import { downloadElectron } from '@cli/electronDownload.js';
import { root, tempDir } from './cliHarness.js';

const electronVersion = (
  JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const zipName = `electron-v${electronVersion}-${process.platform}-${process.arch}.zip`;
const FAKE_ELECTRON = '#!/bin/sh\nprintf "%s\\n" "$@" > "$NETLENS_FAKE_ELECTRON_ARGS"\n';
const zip = storedZip([
  { name: 'electron', content: FAKE_ELECTRON, mode: 0o755 },
  { name: 'version', content: electronVersion },
]);

let work = '';
let pkg = '';
let runner = '';
let mirror: http.Server;
let mirrorUrl = '';
const mirrorRequests: string[] = [];

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** A copy of the NetLens package: its own node_modules/electron, every other package linked. */
async function makePackage(dir: string): Promise<void> {
  mkdirSync(path.join(dir, 'dist', 'electron'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'netlens', type: 'module' }));
  writeFileSync(path.join(dir, 'dist', 'electron', 'main.cjs'), '// the app would start here\n');
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name === 'electron' || name.startsWith('.')) continue;
    symlinkSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  for (const file of ['install.js', 'index.js', 'package.json', 'checksums.json'])
    copyFileSync(
      path.join(root, 'node_modules', 'electron', file),
      path.join(dir, 'node_modules', 'electron', file),
    );
  await bundleForNode(path.join(root, 'electron/cli/cli.ts'), path.join(dir, 'dist', 'cli.mjs'));
  writeFileSync(
    path.join(dir, 'run.mjs'),
    `const { main } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'dist', 'cli.mjs')).href)});\nawait main(process.argv.slice(2));\n`,
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `netlens` (no arguments) until it exits, or until `until` matches its output (then stops it). */
function runApp(env: NodeJS.ProcessEnv, until?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, '--data-dir', path.join(work, 'data')], {
      cwd: pkg,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const check = () => {
      if (until && until.test(stdout + stderr)) child.kill('SIGTERM');
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => ((stdout += c), check()));
    child.stderr.setEncoding('utf8').on('data', (c: string) => ((stderr += c), check()));
    const limit = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    DISPLAY: ':99',
    electron_config_cache: path.join(work, 'cache'),
    // The fake zip is not Electron's: its checksum comes from the mirror's SHASUMS256.txt.
    electron_use_remote_checksums: '1',
    NETLENS_FAKE_ELECTRON_ARGS: path.join(work, 'electron-args.txt'),
  };
  return env;
}

beforeAll(async () => {
  work = tempDir('first-run');
  pkg = path.join(work, 'pkg');
  await makePackage(pkg);
  runner = path.join(pkg, 'run.mjs');
  const sha = createHash('sha256').update(zip).digest('hex');
  mirror = http.createServer((req, res) => {
    mirrorRequests.push(req.url ?? '');
    if (req.url?.endsWith(`/${zipName}`)) {
      res.setHeader('content-length', zip.length);
      res.end(zip);
    } else if (req.url?.endsWith('/SHASUMS256.txt')) {
      res.end(`${sha} *${zipName}\n`);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  mirrorUrl = `http://127.0.0.1:${await listen(mirror)}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (mirror ? mirror.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('netlens on the first run of the desktop app', () => {
  it('says in one line that the download failed offline, and serves web mode', async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await runApp(
      { ...baseEnv(), ELECTRON_MIRROR: `http://127.0.0.1:${port}/` },
      /NetLens UI at|already in use/,
    );
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(
      /^netlens: Electron's binary is missing and downloading it failed \(.*ECONNREFUSED.*\); serving the UI in web mode instead\.$/,
    );
    // Web mode started: its UI line, or (when another NetLens holds the default proxy port here)
    // web mode's own port error.
    expect(run.stdout + run.stderr).toMatch(
      /NetLens UI at http:\/\/127\.0\.0\.1:\d+\/\?token=|8899.*already in use/,
    );
    expect(existsSync(path.join(pkg, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  });

  it('downloads Electron from the mirror with a progress line, installs it, and opens the app', async () => {
    const run = await runApp({ ...baseEnv(), ELECTRON_MIRROR: mirrorUrl });
    expect(run.stderr).toMatch(
      new RegExp(`Downloading Electron ${electronVersion.replace(/\./g, '\\.')}: 100%`),
    );
    expect(run.stderr).not.toContain('web mode');
    expect(run.code).toBe(0);
    expect(mirrorRequests.some((u) => u.endsWith(zipName))).toBe(true);
    expect(readFileSync(path.join(pkg, 'node_modules', 'electron', 'path.txt'), 'utf8')).toBe('electron');
    // The downloaded "electron" ran on the app's main script with the data dir.
    const args = readFileSync(path.join(work, 'electron-args.txt'), 'utf8').trim().split('\n');
    expect(args[0]).toBe(path.join(pkg, 'dist', 'electron', 'main.cjs'));
    expect(args.slice(1)).toEqual(['--data-dir', path.join(work, 'data')]);
  });

  it('gives up a download that stalls, with the reason', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    const saved = process.env.ELECTRON_MIRROR;
    process.env.ELECTRON_MIRROR = `http://127.0.0.1:${port}/`;
    const electronDir = path.join(work, 'stall', 'node_modules', 'electron');
    mkdirSync(electronDir, { recursive: true });
    for (const file of ['install.js', 'package.json', 'checksums.json'])
      copyFileSync(path.join(root, 'node_modules', 'electron', file), path.join(electronDir, file));
    symlinkSync(
      path.join(root, 'node_modules', '@electron'),
      path.join(work, 'stall', 'node_modules', '@electron'),
    );
    try {
      await expect(
        downloadElectron({ electronDir, stallTimeoutMs: 300, cacheRoot: path.join(work, 'stall-cache') }),
      ).rejects.toThrow(/^no data for 300 ms$/);
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_MIRROR;
      else process.env.ELECTRON_MIRROR = saved;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
