/**
 * The built `netlens diff FILE.har A B [--json]` as a child process: the summary it prints and
 * its exit codes (0 same, 1 different, 2 error), as diff(1). The CLI is bundled fresh from the
 * sources for this file, so the test never runs a stale dist/.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeDiff } from '@shared/diff.js';
import { buildCli, root, runCli, tempDir, type BuiltCli } from './cliHarness.js';

const har = path.join(root, 'tests/fixtures/diff/signed-session.har');
let cli: BuiltCli;
let home: string;

beforeAll(async () => {
  cli = await buildCli('diff-cli');
  home = tempDir('diff-cli');
});

afterAll(() => {
  cli?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(cli, args, { env: { ...process.env, NETLENS_HOME: home } });

describe('netlens diff', () => {
  it('exit 1 and a summary in words when the entries differ (signed body re-ordered)', async () => {
    const { code, stdout, stderr } = await run(['diff', har, '0', '1']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('left  entry 0: POST https://api.pay.test/v1/charges?account=42 → 200 OK');
    expect(lines[1]).toBe(
      'right entry 1: POST https://api.pay.test/v1/charges?account=42 → 401 Unauthorized',
    );
    // One sentence first, the failing side as its subject.
    expect(lines[3]).toBe(
      'The failing request had a request body that differs only in key order (same JSON, different bytes) ' +
        'and got 401 Unauthorized where the successful one got 200 OK; the response body differs in 2 keys.',
    );
    expect(lines[5]).toBe('Different:');
    expect(lines[6]).toBe('  Status: 200 OK → 401 Unauthorized');
    expect(lines[7]).toMatch(
      /^ {2}Request body: same JSON, different key order — bytes first differ at offset 2/,
    );
    expect(stdout).toMatch(/Request body bytes at offset 2:\n {2}left {2}@ +0 {2}7b 22 61 6d/);
  });

  it('exit 0 for identical entries, picked by index and by _netlens.id', async () => {
    const { code, stdout } = await run(['diff', har, '0', 'ok-3']);
    expect(code).toBe(0);
    expect(stdout).toContain('Same: no differences.');
  });

  it('--json prints the structured diff', async () => {
    const { code, stdout } = await run(['diff', har, 'ok-1', 'bad-2', '--json']);
    expect(code).toBe(1);
    const diff = JSON.parse(stdout) as ExchangeDiff;
    expect(diff.same).toBe(false);
    expect(diff.requestBody.verdict).toBe('json_key_order');
    expect(diff.requestBody.firstDifference?.offset).toBe(2);
    expect(diff.status).toMatchObject({ left: '200 OK', right: '401 Unauthorized' });
  });

  it('exit 2 with a message naming the problem', async () => {
    const outOfRange = await run(['diff', har, '0', '7']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr.trim()).toBe(
      `netlens: Entry 7 does not exist: ${har} has 3 entries (indices 0–2).`,
    );
    const unknownId = await run(['diff', har, '0', 'nope']);
    expect(unknownId.code).toBe(2);
    expect(unknownId.stderr).toMatch(/No entry with id "nope"/);
    const missing = await run(['diff', path.join(home, 'missing.har'), '0', '1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*missing\.har: no such file\./);
    const notHar = path.join(home, 'not.har');
    writeFileSync(notHar, '{"hello": 1}');
    const malformed = await run(['diff', notHar, '0', '1']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not a usable HAR file/);
    expect(malformed.stderr).not.toMatch(/\n\s+at /);
    const usage = await run(['diff', har, '0']);
    expect(usage.code).toBe(2);
  });
});
