/**
 * `netlens ca --install | --uninstall | --status` against real stores in a temporary HOME: the
 * NSS database Chromium reads, Firefox profiles' databases (real certutil), and a system store
 * whose locations are overridden to a temporary folder with a fake update command — this
 * machine's own stores are never touched.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certutilExecutable } from '@fixtures/browserExecutables.js';
import { buildCli, runCli, tempDir, type BuiltCli } from './cliHarness.js';

let cli: BuiltCli;
let certutil: string;
const dirs: string[] = [];

beforeAll(async () => {
  certutil = certutilExecutable();
  cli = await buildCli('cli-ca-trust');
});

afterAll(() => {
  cli.remove();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const created = tempDir(prefix);
  dirs.push(created);
  return created;
}

function listNss(db: string): Promise<string> {
  return new Promise((resolve) =>
    execFile(certutil, ['-L', '-d', `sql:${db}`], (_e, stdout) => resolve(stdout)),
  );
}

/** A temporary HOME with two Firefox profiles (databases made by certutil, as Firefox would). */
async function user(): Promise<{
  home: string;
  dataDir: string;
  profiles: string[];
  env: NodeJS.ProcessEnv;
}> {
  const home = dir('ca-home');
  const dataDir = dir('ca-data');
  const root = path.join(home, '.mozilla', 'firefox');
  const profiles = [path.join(root, 'a1.default'), path.join(root, 'b2.default-release')];
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(
    path.join(root, 'profiles.ini'),
    '[Profile1]\nName=default\nIsRelative=1\nPath=a1.default\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=b2.default-release\n\n[General]\nVersion=2\n',
  );
  for (const profile of profiles) {
    fs.mkdirSync(profile);
    await new Promise<void>((resolve, reject) =>
      execFile(certutil, ['-N', '-d', `sql:${profile}`, '--empty-password'], (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  // No SUDO_USER and no system-store override: only what each test adds.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const key of [
    'SUDO_USER',
    'NETLENS_SYSTEM_CA_DIR',
    'NETLENS_SYSTEM_CA_UPDATE',
    'NETLENS_SYSTEM_CA_BUNDLE',
    'NETLENS_HOME',
  ])
    delete env[key];
  return { home, dataDir, profiles, env };
}

/** A system store in a temporary folder; the update command rebuilds the bundle, or fails. */
function fakeSystemStore(
  env: NodeJS.ProcessEnv,
  options: { failing?: boolean } = {},
): { anchors: string; bundle: string } {
  const base = dir('ca-system');
  const anchors = path.join(base, 'anchors');
  const bundle = path.join(base, 'ca-bundle.crt');
  fs.mkdirSync(anchors);
  const update = path.join(base, 'update-ca-certificates');
  fs.writeFileSync(
    update,
    options.failing
      ? '#!/bin/sh\necho "update-ca-certificates: cannot write the bundle" >&2\nexit 3\n'
      : `#!/bin/sh\ncat /dev/null ${anchors}/*.crt > ${bundle} 2>/dev/null || : > ${bundle}\necho "1 added, 0 removed; done."\n`,
    { mode: 0o755 },
  );
  env.NETLENS_SYSTEM_CA_DIR = anchors;
  env.NETLENS_SYSTEM_CA_UPDATE = update;
  env.NETLENS_SYSTEM_CA_BUNDLE = bundle;
  return { anchors, bundle };
}

describe('netlens ca --install / --uninstall / --status', () => {
  it('--store nss creates ~/.pki/nssdb, trusts the CA there, is idempotent, and --uninstall removes it', async () => {
    const { home, dataDir, env } = await user();
    const nssdb = path.join(home, '.pki', 'nssdb');
    const first = await runCli(cli, ['ca', '--install', '--store', 'nss', '--data-dir', dataDir], { env });
    expect(first.code).toBe(0);
    expect(first.stdout.split(/\s+/)).toEqual(['installed', 'nss', nssdb, '']);
    expect(await listNss(nssdb)).toMatch(/NetLens CA [0-9a-f]{16}\s+C,,/);

    const again = await runCli(cli, ['ca', '--install', '--store', 'nss', '--data-dir', dataDir], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^unchanged\s+nss\s+\S+\s+\(already trusted\)\n$/);
    expect((await listNss(nssdb)).match(/NetLens CA/g)).toHaveLength(1);

    const removed = await runCli(cli, ['ca', '--uninstall', '--store', 'nss', '--data-dir', dataDir], {
      env,
    });
    expect(removed.code).toBe(0);
    expect(removed.stdout.split(/\s+/)[0]).toBe('removed');
    expect(await listNss(nssdb)).not.toContain('NetLens CA');
  });

  it('the default store (user) covers ~/.pki/nssdb and every Firefox profile; --status --json says so', async () => {
    const { home, dataDir, profiles, env } = await user();
    const install = await runCli(cli, ['ca', '--install', '--data-dir', dataDir], { env });
    expect(install.code).toBe(0);
    expect(
      install.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 3)),
    ).toEqual([
      ['installed', 'nss', path.join(home, '.pki', 'nssdb')],
      ['installed', 'firefox', profiles[0]],
      ['installed', 'firefox', profiles[1]],
    ]);
    expect(install.stderr).toContain('restart Firefox');
    for (const profile of profiles) expect(await listNss(profile)).toMatch(/NetLens CA [0-9a-f]{16}\s+C,,/);

    const status = await runCli(cli, ['ca', '--status', '--json', '--store', 'user', '--data-dir', dataDir], {
      env,
    });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      caCertPath: string;
      caFingerprint256: string;
      stores: { store: string; trusted: boolean }[];
    };
    expect(parsed.caCertPath).toBe(path.join(dataDir, 'ca', 'netlens-ca.pem'));
    expect(parsed.caFingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(parsed.stores.map((s) => [s.store, s.trusted])).toEqual([
      ['nss', true],
      ['firefox', true],
      ['firefox', true],
    ]);

    const table = await runCli(cli, ['ca', '--status', '--store', 'user', '--data-dir', dataDir], { env });
    expect(table.stdout).toContain('STORE    TRUSTED  WHERE');
    expect(table.stdout).toMatch(/^firefox\s+yes\s+/m);
  });

  it('the system store (overridden to a temporary folder): anchor file, update command, bundle checked', async () => {
    const { dataDir, env } = await user();
    const { anchors, bundle } = fakeSystemStore(env);
    const install = await runCli(cli, ['ca', '--install', '--store', 'system', '--data-dir', dataDir], {
      env,
    });
    expect(install.code).toBe(0);
    const anchor = fs.readdirSync(anchors);
    expect(anchor).toEqual([expect.stringMatching(/^netlens-ca-[0-9a-f]{16}\.crt$/)]);
    expect(install.stdout.split(/\s+/).slice(0, 3)).toEqual([
      'installed',
      'system',
      path.join(anchors, anchor[0]!),
    ]);
    expect(fs.readFileSync(bundle, 'utf8')).toBe(
      fs.readFileSync(path.join(dataDir, 'ca', 'netlens-ca.pem'), 'utf8'),
    );
    expect((fs.statSync(path.join(anchors, anchor[0]!)).mode & 0o777).toString(8)).toBe('644');

    const status = JSON.parse(
      (await runCli(cli, ['ca', '--status', '--json', '--store', 'system', '--data-dir', dataDir], { env }))
        .stdout,
    ) as { stores: { trusted: boolean }[] };
    expect(status.stores.map((s) => s.trusted)).toEqual([true]);

    const uninstall = await runCli(cli, ['ca', '--uninstall', '--store', 'system', '--data-dir', dataDir], {
      env,
    });
    expect(uninstall.code).toBe(0);
    expect(fs.readdirSync(anchors)).toEqual([]);
    expect(fs.readFileSync(bundle, 'utf8')).toBe('');
  });

  it('a store failing midway: the others are still done, and the error says which failed and which changed', async () => {
    const { home, dataDir, env } = await user();
    fakeSystemStore(env, { failing: true });
    const result = await runCli(cli, ['ca', '--install', '--store', 'all', '--data-dir', dataDir], { env });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['installed', 'nss'],
      ['installed', 'firefox'],
      ['installed', 'firefox'],
      ['failed', 'system'],
    ]);
    expect(lines[3]).toContain('update-ca-certificates: cannot write the bundle');
    expect(result.stderr).toMatch(
      /^netlens: The CA could not be installed into system \(.+\): see above\. It was installed into nss, firefox \(2\)\.\n$/,
    );
    expect(await listNss(path.join(home, '.pki', 'nssdb'))).toMatch(/NetLens CA [0-9a-f]{16}\s+C,,/);
  });

  it('certutil missing: one line saying what to install, exit 1, nothing changed', async () => {
    const { home, dataDir, env } = await user();
    env.PATH = dir('ca-empty-path');
    const result = await runCli(cli, ['ca', '--install', '--data-dir', dataDir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'netlens: No store could be changed: certutil (the NSS tools) is not installed: install libnss3-tools (Debian/Ubuntu), nss-tools (Fedora/RHEL) or nss (Arch), then try again.\n',
    );
    expect(result.stdout.split('\n')[0]).toMatch(/^skipped\s+nss\s+/);
    expect(fs.existsSync(path.join(home, '.pki'))).toBe(false);
  });

  it('--dry-run prints the commands and changes nothing', async () => {
    const { home, dataDir, env } = await user();
    const result = await runCli(
      cli,
      ['ca', '--install', '--store', 'nss', '--dry-run', '--data-dir', dataDir],
      { env },
    );
    expect(result.code).toBe(0);
    const nssdb = path.join(home, '.pki', 'nssdb');
    expect(result.stdout).toContain(
      `nss  ${nssdb}\n  mkdir -p ${nssdb}\n  ${certutil} -N -d sql:${nssdb} --empty-password\n`,
    );
    expect(fs.existsSync(nssdb)).toBe(false);
  });

  it('refuses flags that do not go together, as usage errors', async () => {
    const { dataDir, env } = await user();
    const cases: [string[], RegExp][] = [
      [['--install', '--status'], /Use one of --install, --uninstall and --status/],
      [
        ['--install', '--store', 'browser'],
        /--store must be one of user, nss, firefox, system, all, got "browser"/,
      ],
      [['--store', 'nss'], /--store goes with --install, --uninstall or --status/],
      [['--status', '--pem'], /--pem prints the certificate/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(cli, ['ca', ...args, '--data-dir', dataDir], { env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
  });
});
