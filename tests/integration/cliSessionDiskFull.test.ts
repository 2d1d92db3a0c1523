/**
 * A full disk under a session (docs/sessions.md): the sessions folder on a 1 MiB tmpfs. NetLens
 * says the disk is full in one clear message, the capture goes on, what the session held stays
 * whole (no torn record), and writing resumes by itself once there is room again.
 *
 * Mounting a tmpfs needs root (CI runs as root on Debian); where mount is impossible the test
 * is skipped with a warning, and under CI=true it fails instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarDocument } from '@shared/har.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import { buildCli, runCli, spawnProxy, type BuiltCli, type ProxyChild } from './cliHarness.js';

const BODY_BYTES = 16 * 1024;

function canMountTmpfs(): string | undefined {
  const probe = mkdtempSync(path.join(os.tmpdir(), 'netlens-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const mountProblem = canMountTmpfs();
if (mountProblem !== undefined && process.env.CI === 'true') {
  throw new Error(
    `cliSessionDiskFull needs to mount a small tmpfs (root, as CI runs) and cannot: ${mountProblem}`,
  );
}
if (mountProblem !== undefined) {
  console.warn(
    `cliSessionDiskFull skipped: cannot mount a tmpfs here (${mountProblem}); CI=true makes this fail.`,
  );
}

let cli: BuiltCli;
let origin: http.Server;
let originPort: number;

beforeAll(async () => {
  if (mountProblem !== undefined) return;
  cli = await buildCli('cli-session-disk-full');
  const body = Buffer.alloc(BODY_BYTES, 'x');
  origin = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as net.AddressInfo).port;
});

afterAll(async () => {
  if (mountProblem !== undefined) return;
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  cli.remove();
});

function get(proxy: string, urlPath: string, agent: http.Agent): Promise<number> {
  const { port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port: Number(port), path: `http://127.0.0.1:${originPort}${urlPath}`, agent },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

async function until(check: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let exportCount = 0;

async function exportIds(dataDir: string, id: string): Promise<{ ids: string[]; stderr: string }> {
  // Beside the sessions folder, not on the full disk.
  const file = path.join(dataDir, `export-${(exportCount += 1)}.har`);
  const result = await runCli(cli, ['sessions', 'export', id, '--har', file, '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  const har = JSON.parse(readFileSync(file, 'utf8')) as HarDocument;
  expect(harSchemaErrors(har)).toEqual([]);
  return {
    ids: har.log.entries.map((e) => (e as unknown as { _netlens: { id: string } })._netlens.id),
    stderr: result.stderr,
  };
}

describe.skipIf(mountProblem !== undefined)('a session on a full disk', () => {
  it('says so once, goes on capturing, keeps what was written whole, and writes again once there is room', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-disk-full-'));
    const sessions = path.join(dataDir, 'sessions');
    mkdirSync(sessions);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', sessions]);
    let child: ProxyChild | undefined;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      child = spawnProxy(cli, ['--port', '0', '--json', '--data-dir', dataDir]);
      const ready = JSON.parse(await child.waitForLine((l) => l.startsWith('{"type":"listening"'))) as {
        proxy: string;
        session: string;
      };
      const proxyChild = child;
      const exchanges = (): number =>
        proxyChild.lines.filter((l) => l.startsWith('{"type":"exchange"')).length;
      const full = (): boolean => proxyChild.stderr().includes('The disk is full');

      // 16 KiB per exchange: a 1 MiB disk fills after a few dozen.
      let sent = 0;
      while (!full()) {
        if (sent >= 400)
          throw new Error(`no disk-full notice after ${sent} exchanges: ${proxyChild.stderr()}`);
        expect(await get(ready.proxy, `/fill/${sent}`, agent)).toBe(BODY_BYTES);
        sent += 1;
      }
      const notices = proxyChild
        .stderr()
        .split('\n')
        .filter((l) => l.includes('The disk is full'));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(
        /^netlens: error: The disk is full: NetLens cannot write session \S+ to .* \(ENOSPC\)\. Capture goes on in memory/,
      );

      // What the session holds now is readable to its last record.
      const atFull = await exportIds(dataDir, ready.session);
      expect(atFull.ids.length).toBeGreaterThan(10);
      expect(atFull.stderr).not.toContain('torn');

      // The capture goes on: every request still answered whole and printed.
      const printedBefore = exchanges();
      for (let i = 0; i < 20; i += 1) expect(await get(ready.proxy, `/more/${i}`, agent)).toBe(BODY_BYTES);
      await until(() => exchanges() >= printedBefore + 20, 'the exchange lines after the disk filled');
      expect(
        proxyChild
          .stderr()
          .split('\n')
          .filter((l) => l.includes('The disk is full')),
      ).toHaveLength(1);

      // Room again: NetLens writes again by itself (it retries every few seconds).
      execFileSync('mount', ['-o', 'remount,size=16m', sessions]);
      await until(
        () => proxyChild.stderr().includes(`Writing session ${ready.session} again.`),
        'the resume notice',
      );
      for (let i = 0; i < 5; i += 1) await get(ready.proxy, `/after/${i}`, agent);
      await until(() => exchanges() >= printedBefore + 25, 'the exchange lines after the resume');
      const stopped = await proxyChild.stop('SIGINT');
      expect(stopped.code).toBe(0);

      const end = await exportIds(dataDir, ready.session);
      // Nothing written before the disk filled is lost, and what came after the room is there.
      expect(atFull.ids.filter((id) => !end.ids.includes(id))).toEqual([]);
      const printed = stopped.stdout
        .split('\n')
        .filter((l) => l.startsWith('{"type":"exchange"'))
        .map((l) => JSON.parse(l) as { id: string; url: string });
      const afterIds = printed.filter((l) => l.url.includes('/after/')).map((l) => l.id);
      expect(afterIds).toHaveLength(5);
      expect(afterIds.filter((id) => !end.ids.includes(id))).toEqual([]);
      expect(end.stderr).not.toContain('torn');
      // The journal has only whole frames: its size is what the reader found valid.
      expect(readFileSync(path.join(sessions, ready.session, '000001.journal')).length).toBeGreaterThan(0);
    } finally {
      agent.destroy();
      await child?.stop('SIGKILL');
      execFileSync('umount', [sessions]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
