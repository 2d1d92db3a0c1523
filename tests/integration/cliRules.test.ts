/**
 * `netlens proxy --rules FILE --toxiproxy-api [HOST:]PORT` as a user runs it: the built CLI, curl
 * through it, the rules file edited while it runs (reloaded; a broken edit keeps the rules in
 * force), the rule named in the NDJSON line, the terse line and the HAR; bad input at start.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarDocument } from '@shared/har.js';
import {
  buildCli,
  curl,
  listening,
  runCli,
  spawnProxy,
  tempDir,
  type BuiltCli,
  type ProxyChild,
} from './cliHarness.js';

let cli: BuiltCli;
let origin: http.Server;
let originPort: number;
const children: ProxyChild[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli('cli-rules');
  origin = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`origin ${req.url}`);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originPort = (origin.address() as net.AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  cli.remove();
});

function dir(): string {
  const made = tempDir('cli-rules');
  dirs.push(made);
  return made;
}

function writeRules(file: string, rules: unknown[]): void {
  // Written then renamed, as editors save.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ rules }, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('netlens proxy --rules', () => {
  it('applies the file, names the rule in NDJSON and HAR, reloads edits, keeps the rules on a broken edit', async () => {
    const work = dir();
    const rulesFile = path.join(work, 'rules.json');
    const harFile = path.join(work, 'session.har');
    writeRules(rulesFile, [
      {
        id: 'busy',
        name: 'Busy API',
        match: { path: '/api/*' },
        respond: { status: 503, headers: { 'Retry-After': '1' }, body: 'busy' },
      },
    ]);
    const child = spawnProxy(cli, [
      '--port',
      '0',
      '--data-dir',
      work,
      '--json',
      '--rules',
      rulesFile,
      '--har',
      harFile,
      '--toxiproxy-api',
      '127.0.0.1:0',
    ]);
    children.push(child);
    const ready = await listening(child);
    const first = JSON.parse(child.lines[0]!) as Record<string, string>;
    expect(first.rules).toBe(rulesFile);
    expect(first.toxiproxyApi).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const version = await curl(['-s', `${first.toxiproxyApi}/version`]);
    expect(version.stdout).toMatch(/"version"/);

    const mocked = await curl(['-s', '-i', '-x', ready.proxy, `http://127.0.0.1:${originPort}/api/x`]);
    expect(mocked.stdout).toMatch(/^HTTP\/1\.1 503/);
    expect(mocked.stdout).toMatch(/Retry-After: 1/i);
    const line = JSON.parse(
      await child.waitForLine((l) => l.includes('"type":"exchange"') && l.includes('/api/x')),
    ) as { rule?: { id: string; name: string; actions: string[] } };
    expect(line.rule).toMatchObject({ id: 'busy', name: 'Busy API', actions: ['mock 503'] });

    // An edit is picked up while running.
    writeRules(rulesFile, [{ name: 'Reset all', fault: { type: 'reset' } }]);
    await waitFor(
      async () => (child.stderr().includes('Rules reloaded') ? true : undefined),
      'the reload notice',
    );
    const reset = await curl(['-s', '-x', ready.proxy, `http://127.0.0.1:${originPort}/after-edit`]);
    expect(reset.code).toBe(56);
    const resetLine = JSON.parse(
      await child.waitForLine((l) => l.includes('"type":"exchange"') && l.includes('/after-edit')),
    ) as { error?: { class: string; detail?: string }; rule?: { name: string } };
    expect(resetLine.error).toMatchObject({ class: 'injected_fault', detail: 'connection_reset' });
    expect(resetLine.rule?.name).toBe('Reset all');

    // A broken edit: one line naming the JSON path; the rules in force stay.
    writeRules(rulesFile, [{ name: 'Broken', latency: { ms: -1 } }]);
    await waitFor(
      async () => (child.stderr().includes('rules[0].latency.ms') ? true : undefined),
      'the error naming the JSON path',
    );
    expect(child.stderr()).toMatch(/previous rules stay in force/);
    const stillReset = await curl(['-s', '-x', ready.proxy, `http://127.0.0.1:${originPort}/still`]);
    expect(stillReset.code).toBe(56);

    const stopped = await child.stop('SIGINT');
    expect(stopped.code).toBe(0);
    const har = JSON.parse(fs.readFileSync(harFile, 'utf8')) as HarDocument;
    const entry = har.log.entries.find((e) => e.request.url.endsWith('/api/x'));
    expect(entry?._netlens?.rule).toEqual({ id: 'busy', name: 'Busy API', actions: ['mock 503'] });
  });

  it('the terse line names the rule', async () => {
    const work = dir();
    const rulesFile = path.join(work, 'rules.json');
    writeRules(rulesFile, [{ name: 'Slow', latency: { ms: 50 } }]);
    const child = spawnProxy(cli, ['--port', '0', '--data-dir', work, '--rules', rulesFile]);
    children.push(child);
    const ready = await child.waitForLine((l) => l.startsWith('NetLens proxy listening on '));
    await child.waitForLine((l) => l.startsWith('Rules: '));
    expect(child.lines.find((l) => l.startsWith('Rules: '))).toBe(
      `Rules: ${rulesFile} (1 rule, 1 enabled; reloaded when it changes)`,
    );
    const url = ready.slice('NetLens proxy listening on '.length);
    await curl(['-s', '-x', url, `http://127.0.0.1:${originPort}/terse`]);
    const line = await child.waitForLine((l) => l.includes('/terse'));
    expect(line).toContain('[rule Slow: latency 50 ms before the response]');
  });

  it('an invalid rules file at start is a one-line error naming the JSON path (exit 2)', async () => {
    const work = dir();
    const rulesFile = path.join(work, 'rules.json');
    fs.writeFileSync(
      rulesFile,
      JSON.stringify({ rules: [{ name: 'Bad', probability: 2, match: { host: 'a[' }, explode: true }] }),
    );
    const result = await runCli(cli, ['proxy', '--port', '0', '--data-dir', work, '--rules', rulesFile]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(2);
    // One line: the first problem by its JSON path, and how many more there are.
    expect(result.stderr).toContain('rules[0].explode: unknown key "explode"');
    expect(result.stderr).toContain('and 2 more problems');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    fs.writeFileSync(rulesFile, '{"rules": [');
    const malformed = await runCli(cli, ['proxy', '--port', '0', '--data-dir', work, '--rules', rulesFile]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/rules\.json/);

    const missing = await runCli(cli, [
      'proxy',
      '--port',
      '0',
      '--data-dir',
      work,
      '--rules',
      path.join(work, 'nope.json'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json.*no such file/);
  });

  it('a toxiproxy API port already in use is a one-line error naming it (exit 1)', async () => {
    const work = dir();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const result = await runCli(cli, [
        'proxy',
        '--port',
        '0',
        '--data-dir',
        work,
        '--toxiproxy-api',
        `127.0.0.1:${taken}`,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`toxiproxy API on 127.0.0.1:${taken}`);
      expect(result.stderr).toMatch(/already in use/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      holder.close();
    }
  });

  it('--toxiproxy-api with a bad value is a usage error', async () => {
    const result = await runCli(cli, ['proxy', '--port', '0', '--data-dir', dir(), '--toxiproxy-api', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[HOST:\]PORT/);
  });
});
