/**
 * Sessions as a user meets them (docs/sessions.md): `netlens proxy` records into a session on
 * disk; `netlens sessions list | export | rm` read it back with no engine running; kill -9 in the
 * middle of a load loses only the last second; a torn journal tail is dropped with a message;
 * retention removes the oldest sessions; `netlens web --session ID` records on into a saved one.
 */
import { readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarDocument } from '@shared/har.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import { buildCli, curl, runCli, spawnProxy, tempDir, type BuiltCli, type ProxyChild } from './cliHarness.js';

let cli: BuiltCli;
let origin: http.Server;
let originPort: number;
const children: ProxyChild[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli('cli-sessions');
  origin = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`hello ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as net.AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
  const { rmSync } = await import('node:fs');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  cli.remove();
});

function dataDir(): string {
  const dir = tempDir('cli-sessions');
  dirs.push(dir);
  return dir;
}

interface Ready {
  proxy: string;
  session: string;
}

async function startProxy(dir: string): Promise<{ child: ProxyChild; ready: Ready }> {
  const child = spawnProxy(cli, ['--port', '0', '--json', '--data-dir', dir]);
  children.push(child);
  const line = await child.waitForLine((l) => l.startsWith('{"type":"listening"'));
  const ready = JSON.parse(line) as Ready;
  expect(ready.session).toMatch(/^\d{8}-\d{6}-[0-9a-z]{4}$/);
  return { child, ready };
}

/** One GET through the proxy (plain HTTP: the absolute URL goes to the proxy). */
function get(proxy: string, urlPath: string, agent: http.Agent): Promise<void> {
  const { port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: Number(port),
        path: `http://127.0.0.1:${originPort}${urlPath}`,
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

const exchangeIds = (child: ProxyChild): string[] =>
  child.lines
    .filter((l) => l.startsWith('{"type":"exchange"'))
    .map((l) => (JSON.parse(l) as { id: string }).id);

interface SessionLine {
  id: string;
  startedAt: string;
  endedAt?: string;
  exchanges: number;
  bytes: number;
}

async function list(dir: string): Promise<SessionLine[]> {
  const result = await runCli(cli, ['sessions', 'list', '--json', '--data-dir', dir]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as SessionLine[];
}

async function exportHar(dir: string, id: string): Promise<{ har: HarDocument; stderr: string }> {
  const file = path.join(dir, `${id}-${Date.now()}.har`);
  const result = await runCli(cli, ['sessions', 'export', id, '--har', file, '--data-dir', dir]);
  expect(result.code, result.stderr).toBe(0);
  const har = JSON.parse(readFileSync(file, 'utf8')) as HarDocument;
  expect(harSchemaErrors(har)).toEqual([]);
  return { har, stderr: result.stderr };
}

const harIds = (har: HarDocument): string[] =>
  har.log.entries.map((e) => (e as unknown as { _netlens: { id: string } })._netlens.id);

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('netlens sessions', () => {
  it('after kill -9 during a load, export is a valid HAR with every exchange that finished ≥ 1 s before', async () => {
    const dir = dataDir();
    const { child, ready } = await startProxy(dir);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    // When each exchange's line arrived: it is printed once the exchange has finished.
    const seenAtMs = new Map<string, number>();
    const watch = setInterval(() => {
      for (const id of exchangeIds(child)) if (!seenAtMs.has(id)) seenAtMs.set(id, Date.now());
    }, 5);
    let stop = false;
    const workers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop && i < 5000; i += 1) {
        await get(ready.proxy, `/load/${w}/${i}`, agent).catch(() => undefined);
      }
    });
    try {
      // A load long enough to span several flushes and a sync, then kill -9 in the middle of it.
      await until(() => seenAtMs.size >= 300, '300 exchanges');
      const firstBatchMs = Date.now();
      await until(() => Date.now() - firstBatchMs > 1500 && seenAtMs.size >= 400, 'more load');
      const killedAtMs = Date.now();
      process.kill(child.pid, 'SIGKILL');
      stop = true;
      await child.stop('SIGKILL');
      for (const id of exchangeIds(child)) if (!seenAtMs.has(id)) seenAtMs.set(id, Date.now());
      clearInterval(watch);
      await Promise.all(workers);
      agent.destroy();

      const before = [...seenAtMs].filter(([, at]) => at <= killedAtMs - 1000).map(([id]) => id);
      expect(before.length).toBeGreaterThan(100);

      const sessions = await list(dir);
      expect(sessions.map((s) => s.id)).toEqual([ready.session]);
      expect(sessions[0]!.endedAt).toBeUndefined(); // it never closed
      const { har } = await exportHar(dir, ready.session);
      const exported = new Set(harIds(har));
      expect(before.filter((id) => !exported.has(id))).toEqual([]);
      // Nothing invented: every exported exchange was one the proxy printed.
      expect([...exported].filter((id) => !seenAtMs.has(id))).toEqual([]);
      const text = await runCli(cli, ['sessions', 'list', '--data-dir', dir]);
      expect(text.stdout).toContain('not closed (crashed?)');
    } finally {
      stop = true;
      clearInterval(watch);
      agent.destroy();
    }
  }, 120_000);

  it('drops a torn journal tail with a message and exports the rest', async () => {
    const dir = dataDir();
    const { child, ready } = await startProxy(dir);
    for (let i = 0; i < 5; i += 1) {
      const result = await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${originPort}/torn/${i}`]);
      expect(result.stdout).toBe(`hello /torn/${i}`);
    }
    await until(() => exchangeIds(child).length === 5, 'five exchange lines');
    expect((await child.stop('SIGINT')).code).toBe(0);
    const sessionDir = path.join(dir, 'sessions', ready.session);
    const journal = path.join(sessionDir, '000001.journal');
    // The power went out in the middle of the last record's write.
    truncateSync(journal, statSync(journal).size - 7);

    const { har, stderr } = await exportHar(dir, ready.session);
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual([
      '/torn/0',
      '/torn/1',
      '/torn/2',
      '/torn/3',
    ]);
    expect(stderr).toMatch(
      /netlens: warning: Session \S+: the end of journal segment 1 was torn .*\d+ bytes are dropped/,
    );

    // Garbage in place of a record (a corrupt frame) is told too, and what precedes it kept.
    writeFileSync(
      journal,
      Buffer.concat([readFileSync(journal), Buffer.from('not a frame at all, just noise')]),
    );
    const again = await exportHar(dir, ready.session);
    expect(again.har.log.entries).toHaveLength(4);
    expect(again.stderr).toMatch(/warning: Session .*dropped/);
  }, 60_000);

  it('keeps at most sessionsMaxCount sessions, removing the oldest, and rm removes one', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ sessionsMaxCount: 2 }));
    const ids: string[] = [];
    let lastStderr = '';
    for (let run = 0; run < 3; run += 1) {
      const { child, ready } = await startProxy(dir);
      ids.push(ready.session);
      await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${originPort}/run/${run}`]);
      await until(() => exchangeIds(child).length === 1, 'the exchange line');
      const stopped = await child.stop('SIGINT');
      expect(stopped.code).toBe(0);
      lastStderr = stopped.stderr;
    }
    expect(lastStderr).toContain(`Removed 1 oldest saved session (${ids[0]})`);
    const sessions = await list(dir);
    expect(sessions.map((s) => s.id)).toEqual([ids[2], ids[1]]); // newest first
    expect(sessions.every((s) => s.exchanges === 1 && s.bytes > 0 && s.endedAt !== undefined)).toBe(true);
    expect(readdirSync(path.join(dir, 'sessions')).sort()).toEqual([ids[1], ids[2]].sort());

    const removed = await runCli(cli, ['sessions', 'rm', ids[1]!, '--data-dir', dir]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`Removed session ${ids[1]}.`);
    expect((await list(dir)).map((s) => s.id)).toEqual([ids[2]]);

    const unknown = await runCli(cli, ['sessions', 'rm', ids[1]!, '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      `netlens: No session ${ids[1]} in ${path.join(dir, 'sessions')}; \`netlens sessions list\` shows them.`,
    );
  }, 90_000);

  it('refuses to remove a session being recorded, to overwrite a file, and names a bad id', async () => {
    const dir = dataDir();
    const { child, ready } = await startProxy(dir);
    await curl(['-sS', '-x', ready.proxy, `http://127.0.0.1:${originPort}/live`]);
    await until(() => exchangeIds(child).length === 1, 'the exchange line');

    const busy = await runCli(cli, ['sessions', 'rm', ready.session, '--data-dir', dir]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`Session ${ready.session} is being recorded by process ${child.pid}`);
    expect(busy.stderr.trim().split('\n')).toHaveLength(1);

    // A live session exports what is on disk so far (flushed within ~100 ms).
    await until(
      () => readFileSync(path.join(dir, 'sessions', ready.session, '000001.journal')).length > 0,
      'the journal',
    );
    const target = path.join(dir, 'live.har');
    writeFileSync(target, 'keep me');
    const exists = await runCli(cli, [
      'sessions',
      'export',
      ready.session,
      '--har',
      target,
      '--data-dir',
      dir,
    ]);
    expect(exists.code).toBe(2);
    expect(exists.stderr.trim()).toBe(
      `netlens: ${target} exists already; pass --force to replace it, or choose another name.`,
    );
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    const forced = await runCli(cli, [
      'sessions',
      'export',
      ready.session,
      '--har',
      target,
      '--force',
      '--data-dir',
      dir,
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(readFileSync(target, 'utf8')) as HarDocument).log.entries).toHaveLength(1);

    const toStdout = await runCli(cli, ['sessions', 'export', ready.session, '--data-dir', dir]);
    expect(toStdout.code).toBe(0);
    expect(harSchemaErrors(JSON.parse(toStdout.stdout))).toEqual([]);

    const bad = await runCli(cli, ['sessions', 'export', 'yesterday', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"yesterday" is not a session id');
    expect(bad.stderr).not.toContain('    at ');
  }, 60_000);

  it('netlens web --session ID records on into a saved session', async () => {
    const dir = dataDir();
    const first = await startProxy(dir);
    await curl(['-sS', '-x', first.ready.proxy, `http://127.0.0.1:${originPort}/before`]);
    await until(() => exchangeIds(first.child).length === 1, 'the exchange line');
    expect((await first.child.stop('SIGINT')).code).toBe(0);

    const web = spawnWeb([
      '--session',
      first.ready.session,
      '--proxy-port',
      '0',
      '--json',
      '--data-dir',
      dir,
    ]);
    const line = JSON.parse(await web.waitForLine((l) => l.startsWith('{"type":"listening"'))) as Ready & {
      ui: string;
    };
    expect(line.session).toBe(first.ready.session);
    expect(line.ui).toMatch(/token=/);
    await curl(['-sS', '-x', line.proxy, `http://127.0.0.1:${originPort}/after`]);
    await until(() => exchangeIds(web).length === 1, 'the exchange line');
    expect((await web.stop('SIGINT')).code).toBe(0);

    const { har } = await exportHar(dir, first.ready.session);
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/before', '/after']);
    expect((await list(dir)).map((s) => s.id)).toEqual([first.ready.session]);

    const unknown = await runCli(cli, [
      'web',
      '--session',
      '20200101-000000-zzzz',
      '--proxy-port',
      '0',
      '--data-dir',
      dir,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      `netlens: No session 20200101-000000-zzzz in ${path.join(dir, 'sessions')}; \`netlens sessions list\` shows them.`,
    );
  }, 60_000);
});

function spawnWeb(args: string[]): ProxyChild {
  const web = spawnProxy(cli, args, process.env, 'web');
  children.push(web);
  return web;
}
