/**
 * `netlens system-proxy` with the OS tools faked (tests/fixtures/fakeSystemTools.ts): what it
 * prints for each desktop (`--dry-run` for KDE, macOS and Windows), how it asks a running
 * NetLens, and the one-line errors. The real gsettings round trip is in
 * tests/integration/systemProxyGnome.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  runSystemProxyOff,
  runSystemProxyOn,
  runSystemProxyStatus,
  type SystemProxyCommandDeps,
} from '@cli/systemProxyCommand.js';
import { CliError } from '@cli/cliError.js';
import type { RunningInfo } from '@engine/system/runningFile.js';
import { journalPath } from '@engine/system/systemProxy/systemProxyJournal.js';
import { turnOn } from '@engine/system/systemProxy/systemProxyService.js';
import { KDE_ABSENT } from '@engine/system/systemProxy/kdeBackend.js';
import { fakeGnome, fakeKde, fakeMacos, fakeWindows, type FakeTools } from '@fixtures/fakeSystemTools.js';
import { fixturePath } from '@fixtures/paths.js';

const recorded = (name: string): string => fs.readFileSync(fixturePath('system', name), 'utf8');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

interface Harness extends SystemProxyCommandDeps {
  stdout: string[];
  stderr: string[];
  controlCalls: { method: string; path: string; body: unknown }[];
}

function harness(
  tools: FakeTools,
  options: { running?: RunningInfo; listening?: boolean; answer?: unknown } = {},
): Harness {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-spcli-'));
  dirs.push(dataDir);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const controlCalls: Harness['controlCalls'] = [];
  return {
    dataDir,
    environment: tools.environment,
    stdout,
    stderr,
    controlCalls,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    running: () => (options.running ? { info: options.running } : {}),
    control: async <T>(_running: RunningInfo, method: string, p: string, body?: unknown) => {
      controlCalls.push({ method, path: p, body });
      return options.answer as T;
    },
    isListening: async () => options.listening ?? true,
  };
}

const proxyFlag = { proxy: '127.0.0.1:8899' };

describe('--dry-run prints the commands, for every desktop', () => {
  it('KDE', async () => {
    const kde = fakeKde(
      JSON.parse(recorded('kde-kreadconfig-manual.json')) as Record<string, string>,
      KDE_ABSENT,
    );
    const h = harness(kde);
    expect(await runSystemProxyOn({ ...proxyFlag, dryRun: true }, h)).toBe(0);
    expect(h.stdout).toEqual([
      '# KDE Plasma (kwriteconfig5): `netlens system-proxy on` would run:',
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key NoProxyFor localhost,127.0.0.1,.corp.example,127.0.0.0/8,::1",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpProxy 'http://127.0.0.1 8899'",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpsProxy 'http://127.0.0.1 8899'",
      'dbus-send --session --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:',
      '# and `netlens system-proxy off` would then give the current setting back with:',
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpsProxy 'http://proxy.corp.example 3128'",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key httpProxy 'http://proxy.corp.example 3128'",
      "kwriteconfig5 --file kioslaverc --group 'Proxy Settings' --key NoProxyFor localhost,127.0.0.1,.corp.example",
      'dbus-send --session --type=signal /KIO/Scheduler org.kde.KIO.Scheduler.reparseSlaveConfiguration string:',
    ]);
    // Nothing was written, and no journal.
    expect(kde.calls.every((c) => c.startsWith('kreadconfig5'))).toBe(true);
    expect(fs.existsSync(journalPath(h.dataDir))).toBe(false);
  });

  it('macOS', async () => {
    const proxy = (enabled: boolean, server = '', port = 0) => ({
      enabled,
      server,
      port,
      authenticated: false,
    });
    const mac = fakeMacos({
      'Wi-Fi': {
        web: proxy(false),
        secureWeb: proxy(false),
        bypass: ['*.local', '169.254/16'],
        autoProxy: { enabled: true, url: 'http://wpad.corp.example/proxy.pac' },
        autoDiscovery: false,
      },
    });
    const h = harness(mac);
    expect(await runSystemProxyOn({ ...proxyFlag, dryRun: true }, h)).toBe(0);
    expect(h.stdout).toEqual([
      '# macOS (networksetup): `netlens system-proxy on` would run:',
      "/usr/bin/networksetup -setproxybypassdomains Wi-Fi '*.local' 169.254/16 localhost 127.0.0.1 ::1",
      '/usr/bin/networksetup -setwebproxy Wi-Fi 127.0.0.1 8899',
      '/usr/bin/networksetup -setsecurewebproxy Wi-Fi 127.0.0.1 8899',
      '/usr/bin/networksetup -setautoproxystate Wi-Fi off',
      '# and `netlens system-proxy off` would then give the current setting back with:',
      '/usr/bin/networksetup -setautoproxystate Wi-Fi on',
      '/usr/bin/networksetup -setsecurewebproxystate Wi-Fi off',
      '/usr/bin/networksetup -setwebproxystate Wi-Fi off',
      "/usr/bin/networksetup -setproxybypassdomains Wi-Fi '*.local' 169.254/16",
    ]);
    expect(mac.calls.every((c) => / -(get|list)/.test(c))).toBe(true);
  });

  it('Windows, the PowerShell refresh shown decoded', async () => {
    const win = fakeWindows(recorded('windows-reg-query-internet-settings-manual.txt'));
    const h = harness(win);
    expect(await runSystemProxyOn({ ...proxyFlag, dryRun: true }, h)).toBe(0);
    const key = '"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"';
    expect(h.stdout[0]).toBe('# Windows (Internet Settings): `netlens system-proxy on` would run:');
    expect(h.stdout.slice(1, 3)).toEqual([
      `reg add ${key} /v ProxyOverride /t REG_SZ /d "*.corp.example;<local>;localhost;127.*;[::1]" /f`,
      `reg add ${key} /v ProxyServer /t REG_SZ /d 127.0.0.1:8899 /f`,
    ]);
    expect(h.stdout[3]).toMatch(/^powershell\.exe -NoProfile -NonInteractive -EncodedCommand \S+$/);
    expect(h.stdout[4]).toMatch(/^# {3}\(the script: .*InternetSetOption\(\[IntPtr\]::Zero, 39/);
    expect(h.stdout).toContain(`reg add ${key} /v ProxyServer /t REG_SZ /d proxy.corp.example:3128 /f`);
    expect(win.values.get('ProxyServer')?.data).toBe('proxy.corp.example:3128');
  });
});

describe('on / off / status', () => {
  const running: RunningInfo = {
    pid: process.pid,
    proxy: 'http://127.0.0.1:40123',
    controlToken: 't'.repeat(32),
    proxyAuth: false,
    startedAtMs: 0,
    version: '0.1.0',
  };

  it('with a NetLens running, `on` asks it (it owns the journal and restores on exit)', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const h = harness(gnome, {
      running,
      answer: { state: {}, message: 'System proxy set (GNOME).', warnings: ['w1'] },
    });
    expect(await runSystemProxyOn({ pac: true }, h)).toBe(0);
    expect(h.controlCalls).toEqual([
      { method: 'POST', path: '/_netlens/system-proxy', body: { on: true, pac: true } },
    ]);
    expect(h.stdout).toEqual(['System proxy set (GNOME).']);
    expect(h.stderr).toEqual(['netlens: warning: w1']);
    expect(gnome.calls).toEqual([]);
  });

  it('without a NetLens and without --proxy, `on` refuses and says what to do', async () => {
    const h = harness(fakeGnome(recorded('gsettings-proxy-default.txt')));
    const error = await runSystemProxyOn({}, h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `No NetLens is running for ${h.dataDir}. Start one that sets the system proxy while it runs: \`netlens proxy --system-proxy\` (or the app's toggle), or point the OS at a proxy that is listening: \`netlens system-proxy on --proxy HOST:PORT\`.`,
    );
  });

  it('a proxy port not listening is a one-line error, and nothing is changed', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const h = harness(gnome, { listening: false });
    await expect(runSystemProxyOn({ proxy: '127.0.0.1:1' }, h)).rejects.toThrow(
      'Nothing listens on 127.0.0.1:1: pointing the OS there would cut this machine off. Start the proxy first (`netlens proxy`), or check --proxy.',
    );
    expect(gnome.calls).toEqual([]);
    await expect(runSystemProxyOn({ proxy: '127.0.0.1:8899', pac: true }, h)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--pac needs a running NetLens to serve the PAC file/),
    });
  });

  it('--proxy to a listening proxy sets it until `off`, which gives it back', async () => {
    const original = recorded('gsettings-proxy-manual.txt');
    const gnome = fakeGnome(original);
    const h = harness(gnome);
    expect(await runSystemProxyOn(proxyFlag, h)).toBe(0);
    expect(h.stdout[0]).toMatch(
      /^System proxy set \(GNOME \(gsettings\)\): manual: http 127\.0\.0\.1:8899, https 127\.0\.0\.1:8899; .* It stays until `netlens system-proxy off`, which restores: manual: http proxy\.corp\.example:3128/,
    );
    expect(await runSystemProxyStatus({}, h)).toBe(0);
    expect(h.stdout.slice(1)).toEqual([
      'System proxy: GNOME (gsettings)',
      "Now:          manual: http 127.0.0.1:8899, https 127.0.0.1:8899; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
      expect.stringMatching(
        /^Set by: {7}netlens system-proxy on --proxy since .+, manual, to http:\/\/127\.0\.0\.1:8899\. It stays until `netlens system-proxy off`\.$/,
      ),
      "Off restores: manual: http proxy.corp.example:3128, https proxy.corp.example:3129; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
    ]);
    await expect(runSystemProxyOn(proxyFlag, h)).rejects.toThrow(
      /already set by netlens system-proxy on --proxy/,
    );
    h.stdout.length = 0;
    expect(await runSystemProxyOff({}, h)).toBe(0);
    expect(h.stdout).toEqual([
      "System proxy restored (GNOME (gsettings)): manual: http proxy.corp.example:3128, https proxy.corp.example:3129; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's.",
    ]);
    expect(gnome.listing()).toBe(original);
    h.stdout.length = 0;
    expect(await runSystemProxyOff({}, h)).toBe(0);
    expect(h.stdout).toEqual([
      "NetLens has not set the system proxy: nothing to restore. Now: manual: http proxy.corp.example:3128, https proxy.corp.example:3129; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's.",
    ]);
  });

  it('status --json is the SystemProxyState', async () => {
    const h = harness(fakeGnome(recorded('gsettings-proxy-pac.txt')));
    expect(await runSystemProxyStatus({ json: true }, h)).toBe(0);
    expect(JSON.parse(h.stdout[0]!)).toEqual({
      supported: true,
      backend: 'gnome',
      backendLabel: 'GNOME (gsettings)',
      active: false,
      current: 'automatic, PAC http://wpad.corp.example/proxy.pac',
    });
  });

  it('no desktop: status says why (exit 1), --json still answers', async () => {
    const h = harness(fakeGnome(recorded('gsettings-proxy-default.txt'), {}));
    expect(await runSystemProxyStatus({}, h)).toBe(1);
    expect(h.stdout).toEqual([
      expect.stringMatching(
        /^System proxy: not supported here\. No desktop whose proxy setting NetLens can change was found \(XDG_CURRENT_DESKTOP=\(unset\).*`netlens env`.*`netlens browser`\.$/,
      ),
    ]);
    expect(await runSystemProxyStatus({ json: true }, h)).toBe(0);
    expect(JSON.parse(h.stdout[1]!)).toMatchObject({ supported: false, active: false });
    await expect(runSystemProxyOn(proxyFlag, h)).rejects.toThrow(/No desktop whose proxy setting/);
  });

  it('a corrupt journal: on and off refuse in one line, status warns', async () => {
    const h = harness(fakeGnome(recorded('gsettings-proxy-default.txt')));
    fs.writeFileSync(journalPath(h.dataDir), '{oops');
    const line = `${journalPath(h.dataDir)} is not valid JSON, so NetLens cannot tell what to restore. Check the proxy setting yourself (\`netlens system-proxy status\` shows it), then delete the file.`;
    await expect(runSystemProxyOff({}, h)).rejects.toThrow(line);
    await expect(runSystemProxyOn(proxyFlag, h)).rejects.toThrow(line);
    h.stderr.length = 0;
    expect(await runSystemProxyStatus({}, h)).toBe(0);
    expect(h.stderr).toContain(`netlens: warning: ${line}`);
  });

  it('every subcommand first restores what a dead NetLens left, and says so', async () => {
    const original = recorded('gsettings-proxy-pac.txt');
    const gnome = fakeGnome(original);
    const h = harness(gnome);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await turnOn(
      { dataDir: h.dataDir, environment: gnome.environment },
      {
        target: { mode: 'manual', host: '127.0.0.1', port: 41234 },
        proxy: { host: '127.0.0.1', port: 41234 },
        owner: { name: 'netlens proxy', pid: dead },
      },
    );
    expect(await runSystemProxyStatus({}, h)).toBe(0);
    expect(h.stderr[0]).toMatch(
      new RegExp(
        `^netlens: Restored the system proxy that netlens proxy \\(pid ${dead}\\) set at .+: automatic, PAC http://wpad\\.corp\\.example/proxy\\.pac\\.$`,
      ),
    );
    expect(h.stdout).toContain('NetLens has not set it.');
    expect(gnome.listing()).toBe(original);
  });
});
