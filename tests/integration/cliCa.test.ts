/**
 * `netlens ca [--pem]` (DESIGN.md): the CA path and nothing else on stdout, so
 * `--cacert "$(netlens ca)"` works; --pem prints the certificate. Also runs bin/netlens.js, the
 * launcher `npx netlens` uses.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, root, runCli, tempDir, type BuiltCli } from './cliHarness.js';

let cli: BuiltCli;
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli('cli-ca');
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  cli.remove();
});

function dataDir(): string {
  const dir = tempDir('cli-ca');
  dirs.push(dir);
  return dir;
}

describe('netlens ca', () => {
  it('creates the CA on first use and prints only its path; the same CA afterwards', async () => {
    const dir = dataDir();
    const first = await runCli(cli, ['ca', '--data-dir', dir]);
    expect(first.code).toBe(0);
    const certPath = path.join(dir, 'ca', 'netlens-ca.pem');
    expect(first.stdout).toBe(`${certPath}\n`);
    expect(first.stderr).toBe('');
    const pem = readFileSync(certPath, 'utf8');
    const cert = new X509Certificate(pem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('NetLens');
    if (process.platform !== 'win32') {
      expect(statSync(path.join(dir, 'ca', 'netlens-ca-key.pem')).mode & 0o077).toBe(0);
    }

    const again = await runCli(cli, ['--data-dir', dir, 'ca']);
    expect(again.stdout).toBe(first.stdout);
    expect(readFileSync(certPath, 'utf8')).toBe(pem);
  });

  it('prints the certificate itself with --pem, never the key', async () => {
    const dir = dataDir();
    const result = await runCli(cli, ['ca', '--pem', '--data-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(path.join(dir, 'ca', 'netlens-ca.pem'), 'utf8'));
    expect(result.stdout.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(result.stdout.trimEnd().endsWith('-----END CERTIFICATE-----')).toBe(true);
    expect(result.stdout).not.toContain('PRIVATE KEY');
  });

  it('uses NETLENS_HOME when there is no --data-dir', async () => {
    const dir = dataDir();
    const result = await runCli(cli, ['ca'], { env: { ...process.env, NETLENS_HOME: dir } });
    expect(result.stdout).toBe(`${path.join(dir, 'ca', 'netlens-ca.pem')}\n`);
  });

  it('says what is wrong when the data dir cannot be used, exit 1', async () => {
    const dir = dataDir();
    await runCli(cli, ['ca', '--data-dir', dir]);
    // A data dir below a regular file cannot be created.
    const blocked = path.join(dir, 'ca', 'netlens-ca.pem', 'below-a-file');
    const result = await runCli(cli, ['ca', '--data-dir', blocked]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^netlens: Cannot load or create the CA in .*below-a-file/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCli(cli, ['ca', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});

describe('bin/netlens.js', () => {
  it('runs the command as `npx netlens` does', async () => {
    const dir = dataDir();
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, 'bin', 'netlens.js'), 'ca', '--data-dir', dir],
        // The launcher builds dist/ on first run when it is missing: allow for that.
        { cwd: root, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${path.join(dir, 'ca', 'netlens-ca.pem')}\n`);
  }, 150_000);
});
