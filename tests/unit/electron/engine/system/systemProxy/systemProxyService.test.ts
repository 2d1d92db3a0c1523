/**
 * The system proxy's operations end to end as data: on → off round trips on stateful fakes of
 * gsettings, kreadconfig/kwriteconfig, networksetup and reg, the journal written before any
 * change, failures midway, crash recovery, and the state `status` reports.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readState,
  recoverSystemProxy,
  turnOff,
  turnOn,
  lookupJournal,
  type TurnOnRequest,
} from '@engine/system/systemProxy/systemProxyService.js';
import { journalPath, writeJournal } from '@engine/system/systemProxy/systemProxyJournal.js';
import { KDE_ABSENT } from '@engine/system/systemProxy/kdeBackend.js';
import { SystemProxyError } from '@engine/system/systemProxy/systemProxyError.js';
import { fakeGnome, fakeKde, fakeMacos, fakeWindows, type FakeTools } from '@fixtures/fakeSystemTools.js';
import { fixturePath } from '@fixtures/paths.js';

const recorded = (name: string): string => fs.readFileSync(fixturePath('system', name), 'utf8');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-sysproxy-'));
  dirs.push(dir);
  return dir;
}

const manual = (port = 41234): TurnOnRequest => ({
  target: { mode: 'manual', host: '127.0.0.1', port },
  proxy: { host: '127.0.0.1', port },
  owner: { name: 'netlens proxy', pid: process.pid },
});
const pac = (port = 41234): TurnOnRequest => ({
  target: { mode: 'pac', pacUrl: `http://127.0.0.1:${port}/proxy.pac` },
  proxy: { host: '127.0.0.1', port },
  owner: { name: 'netlens proxy', pid: process.pid },
});

/** Fails the test if any command that changes something runs before the journal exists. */
function journalFirst(tools: FakeTools, dir: string, changes: (args: string[]) => boolean): void {
  tools.beforeEach((command) => {
    if (changes([command.file, ...command.args]) && !fs.existsSync(journalPath(dir))) {
      throw new Error(`${command.file} ${command.args.join(' ')} ran before the journal was written`);
    }
  });
}

async function roundTrip(tools: FakeTools, request: TurnOnRequest, dir = dataDir()) {
  const ctx = { dataDir: dir, environment: tools.environment };
  const on = await turnOn(ctx, request);
  const journal = JSON.parse(fs.readFileSync(journalPath(dir), 'utf8')) as Record<string, unknown>;
  const during = await readState(ctx);
  const off = await turnOff(ctx, on.journal);
  expect(fs.existsSync(journalPath(dir))).toBe(false);
  return { on, journal, during, off, ctx };
}

describe('GNOME: on, then off gives back exactly what was there', () => {
  it('a corporate manual proxy with authentication comes back, byte for byte', async () => {
    const original = recorded('gsettings-proxy-manual.txt');
    const gnome = fakeGnome(original);
    const dir = dataDir();
    journalFirst(gnome, dir, (args) => args[1] === 'set');
    const { journal, during, off } = await roundTrip(gnome, manual(), dir);
    expect(journal).toMatchObject({
      version: 1,
      owner: { name: 'netlens proxy', pid: process.pid },
      backend: 'gnome',
      mode: 'manual',
      proxy: { host: '127.0.0.1', port: 41234 },
      previous: { 'http/host': "'proxy.corp.example'", 'http/use-authentication': 'true', mode: "'manual'" },
      applied: { 'http/host': "'127.0.0.1'", 'http/use-authentication': 'false' },
    });
    expect(during).toMatchObject({
      supported: true,
      backend: 'gnome',
      active: true,
      mode: 'manual',
      proxyUrl: 'http://127.0.0.1:41234',
      owner: { name: 'netlens proxy', pid: process.pid, self: false },
      current:
        "manual: http 127.0.0.1:41234, https 127.0.0.1:41234; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
      restore:
        "manual: http proxy.corp.example:3128, https proxy.corp.example:3129; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
    });
    expect(during.warnings).toBeUndefined();
    expect(gnome.listing()).toBe(original);
    expect(off.restored).toBe(during.restore);
  });

  it('a PAC URL comes back (not "no proxy")', async () => {
    const original = recorded('gsettings-proxy-pac.txt');
    const gnome = fakeGnome(original);
    const { during } = await roundTrip(gnome, pac());
    expect(during.current).toBe('automatic, PAC http://127.0.0.1:41234/proxy.pac');
    expect(during.pacUrl).toBe('http://127.0.0.1:41234/proxy.pac');
    expect(gnome.listing()).toBe(original);
  });

  it('a setting the user changed while NetLens was on is left as the user set it', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    const on = await turnOn(ctx, manual());
    await gnome.environment.run({
      file: 'gsettings',
      args: ['set', 'org.gnome.system.proxy.https', 'host', "'mine.example'"],
    });
    const state = await readState(ctx);
    expect(state.warnings).toEqual([
      'org.gnome.system.proxy.https host was changed after NetLens set it: left as it is.',
    ]);
    const off = await turnOff(ctx, on.journal);
    expect(off.warnings).toEqual(state.warnings);
    expect(gnome.get('org.gnome.system.proxy.https host')).toBe("'mine.example'");
    expect(gnome.get('org.gnome.system.proxy mode')).toBe("'none'");
  });
});

describe('nothing half-set', () => {
  it('a failure midway puts back what was changed and removes the journal', async () => {
    const original = recorded('gsettings-proxy-manual.txt');
    const gnome = fakeGnome(original);
    gnome.failWhen(
      (c) => c.args[1] === 'org.gnome.system.proxy.https' && c.args[2] === 'port',
      'dconf: permission denied',
    );
    const dir = dataDir();
    const error = await turnOn({ dataDir: dir, environment: gnome.environment }, manual()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SystemProxyError);
    expect((error as SystemProxyError).message).toBe(
      'Could not set org.gnome.system.proxy.https port: `gsettings` exited with 1: dconf: permission denied. Everything NetLens had changed was put back.',
    );
    expect(gnome.listing()).toBe(original);
    expect(fs.existsSync(journalPath(dir))).toBe(false);
  });

  it('when putting back fails too, the journal stays so `off` can finish the job', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    gnome.failWhen((c) => c.args[2] === 'mode' || (c.args[2] === 'host' && c.args[3] === "''"));
    const dir = dataDir();
    await expect(turnOn({ dataDir: dir, environment: gnome.environment }, manual())).rejects.toThrow(
      /Putting back failed too.*kept in .*system-proxy\.json: run `netlens system-proxy off` to try again/,
    );
    expect(lookupJournal(dir).journal?.backend).toBe('gnome');
  });

  it('refuses to stack on a journal that is already there', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    await turnOn(ctx, manual());
    await expect(turnOn(ctx, pac())).rejects.toMatchObject({
      code: 'system_proxy_busy',
      message:
        'The system proxy is already set by netlens proxy (pid ' +
        process.pid +
        '); turn it off first (`netlens system-proxy off`).',
    });
  });

  it('no supported desktop: a SystemProxyError naming what was looked for', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'), { XDG_CURRENT_DESKTOP: 'XFCE' });
    await expect(
      turnOn({ dataDir: dataDir(), environment: gnome.environment }, manual()),
    ).rejects.toMatchObject({
      code: 'system_proxy_unsupported',
      message: expect.stringMatching(/XDG_CURRENT_DESKTOP=XFCE.*`netlens env`.*`netlens browser`/),
    });
    const state = await readState({ dataDir: dataDir(), environment: gnome.environment });
    expect(state).toMatchObject({ supported: false, active: false });
    expect(state.unsupportedReason).toMatch(/looked for a GNOME-based desktop/);
  });
});

describe('KDE, macOS and Windows round trips', () => {
  it('KDE: keys the file lacked are deleted again, the others get their exact values', async () => {
    const outputs = JSON.parse(recorded('kde-kreadconfig-pac.json')) as Record<string, string>;
    const kde = fakeKde(outputs, KDE_ABSENT);
    const before = new Map(kde.state);
    const { during } = await roundTrip(kde, manual());
    expect(during.current).toBe(
      'manual: http http://127.0.0.1:41234, https http://127.0.0.1:41234; ignore localhost,127.0.0.0/8,::1',
    );
    expect(kde.state).toEqual(before);
    expect(kde.calls.filter((c) => c.startsWith('dbus-send'))).toHaveLength(2);
  });

  it('macOS: every enabled service is switched and given back', async () => {
    const proxy = (enabled: boolean, server = '', port = 0) => ({
      enabled,
      server,
      port,
      authenticated: false,
    });
    const services = {
      Ethernet: {
        web: proxy(true, 'proxy.corp.example', 3128),
        secureWeb: proxy(true, 'proxy.corp.example', 3128),
        bypass: ['*.local', '169.254/16'],
        autoProxy: { enabled: false, url: '' },
        autoDiscovery: false,
      },
      'Wi-Fi': {
        web: proxy(false),
        secureWeb: proxy(false, 'old.example', 8080),
        bypass: [],
        autoProxy: { enabled: true, url: 'http://wpad.corp.example/proxy.pac' },
        autoDiscovery: true,
      },
    };
    const mac = fakeMacos(services, ['Bluetooth PAN']);
    const { during } = await roundTrip(mac, manual());
    expect(during.current).toBe(
      'Ethernet: web 127.0.0.1:41234, secure web 127.0.0.1:41234, bypass *.local, 169.254/16, localhost, 127.0.0.1, ::1; Wi-Fi: web 127.0.0.1:41234, secure web 127.0.0.1:41234, bypass localhost, 127.0.0.1, ::1',
    );
    expect(mac.services.get('Ethernet')).toEqual(services.Ethernet);
    // networksetup cannot empty a server field: Wi-Fi's unused web proxy is off again, its
    // (unused) server field keeps NetLens's address. Everything else is exact.
    expect(mac.services.get('Wi-Fi')).toEqual({
      ...services['Wi-Fi'],
      web: proxy(false, '127.0.0.1', 41234),
    });
    expect(mac.calls.some((c) => c.includes('Bluetooth PAN'))).toBe(false);
  });

  it('Windows: the values come back with their types, absent ones deleted, WinINet refreshed', async () => {
    const win = fakeWindows(recorded('windows-reg-query-internet-settings-pac.txt'));
    const before = new Map(win.values);
    const { during } = await roundTrip(win, manual());
    expect(during.current).toBe('manual 127.0.0.1:41234; bypass localhost;127.*;[::1]');
    expect(win.values).toEqual(before);
    expect(win.refreshes).toBe(2);
  });
});

describe('crash recovery', () => {
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

  it('restores a journal whose owner is gone, and says so in one line', async () => {
    const original = recorded('gsettings-proxy-pac.txt');
    const gnome = fakeGnome(original);
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    await turnOn(ctx, { ...manual(), owner: { name: 'netlens proxy', pid: deadPid() } });
    const recovery = await recoverSystemProxy(ctx);
    expect(recovery?.level).toBe('info');
    expect(recovery?.message).toMatch(
      /^Restored the system proxy that netlens proxy \(pid \d+\) set at .+ and could not restore \(it stopped without cleaning up\): automatic, PAC http:\/\/wpad\.corp\.example\/proxy\.pac\.$/,
    );
    expect(recovery?.message).not.toContain('\n');
    expect(gnome.listing()).toBe(original);
    expect(await recoverSystemProxy(ctx)).toBeUndefined();
  });

  it("leaves a live owner's journal and a set-until-off one alone", async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    await turnOn(ctx, { ...manual(), owner: { name: 'netlens proxy', pid: process.ppid } });
    expect(await recoverSystemProxy(ctx)).toBeUndefined();
    expect(lookupJournal(ctx.dataDir).journal).toBeDefined();
    fs.rmSync(journalPath(ctx.dataDir));
    await writeJournal(ctx.dataDir, {
      ...lookupJournal(ctx.dataDir).journal!,
      owner: { name: 'x' },
    } as never).catch(() => undefined);
  });

  it('a journal NetLens cannot use is a warning line, not a crash', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    fs.writeFileSync(journalPath(ctx.dataDir), 'not json');
    const recovery = await recoverSystemProxy(ctx);
    expect(recovery).toEqual({
      level: 'warning',
      message: `System proxy: ${journalPath(ctx.dataDir)} is not valid JSON, so NetLens cannot tell what to restore. Check the proxy setting yourself (\`netlens system-proxy status\` shows it), then delete the file.`,
    });
    const state = await readState(ctx);
    expect(state.warnings).toEqual([recovery!.message.replace('System proxy: ', '')]);
    await expect(turnOn(ctx, manual())).rejects.toMatchObject({ code: 'system_proxy_journal' });
  });

  it('a restore that fails is a warning, and the journal stays for the next try', async () => {
    const gnome = fakeGnome(recorded('gsettings-proxy-default.txt'));
    const ctx = { dataDir: dataDir(), environment: gnome.environment };
    await turnOn(ctx, { ...manual(), owner: { name: 'netlens web', pid: deadPid() } });
    gnome.failWhen((c) => c.args[2] === 'mode', 'no D-Bus');
    const recovery = await recoverSystemProxy(ctx);
    expect(recovery?.level).toBe('warning');
    expect(recovery?.message).toMatch(
      /is still on and its owner is gone, but restoring it failed: .*no D-Bus/,
    );
    expect(lookupJournal(ctx.dataDir).journal).toBeDefined();
  });
});
