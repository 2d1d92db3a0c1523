import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemProxyController } from '@engine/system/systemProxy/systemProxyController.js';
import { journalPath, readJournal, writeJournal } from '@engine/system/systemProxy/systemProxyJournal.js';
import type { SystemProxyState } from '@shared/systemProxy.js';
import { fakeGnome } from '@fixtures/fakeSystemTools.js';
import { fixturePath } from '@fixtures/paths.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-controller-'));
  dirs.push(dataDir);
  const original = fs.readFileSync(fixturePath('system', 'gsettings-proxy-pac.txt'), 'utf8');
  const gnome = fakeGnome(original);
  const changes: SystemProxyState[] = [];
  const warnings: string[] = [];
  let listener: { host: string; port: number } | undefined;
  let opened = 0;
  const controller = new SystemProxyController({
    dataDir,
    environment: gnome.environment,
    ownerName: 'the NetLens app',
    openListener: async () => {
      if (!listener) {
        opened += 1;
        listener = { host: '127.0.0.1', port: 40000 + opened };
      }
      return listener;
    },
    closeListener: async () => {
      listener = undefined;
    },
    onChange: (state) => changes.push(state),
    onWarning: (message) => warnings.push(message),
  });
  return { controller, gnome, original, changes, warnings, dataDir, listener: () => listener };
}

describe('the engine-side owner of the system proxy', () => {
  it('points the OS at its own `system` listener, switches modes cleanly, and gives everything back', async () => {
    const t = setup();
    const on = await t.controller.set({ on: true });
    expect(t.listener()).toEqual({ host: '127.0.0.1', port: 40001 });
    expect(on.state).toMatchObject({
      active: true,
      mode: 'manual',
      proxyUrl: 'http://127.0.0.1:40001',
      owner: { name: 'the NetLens app', pid: process.pid, self: true },
    });
    expect(on.message).toMatch(
      /^System proxy set \(GNOME \(gsettings\)\): manual: http 127\.0\.0\.1:40001.*labelled "system"\. Turning it off restores: automatic, PAC http:\/\/wpad\.corp\.example\/proxy\.pac\.$/,
    );
    expect(t.changes.at(-1)?.active).toBe(true);
    expect((await t.controller.set({ on: true })).message).toBe(
      'The system proxy is already set by this NetLens.',
    );

    const pac = await t.controller.set({ on: true, pac: true });
    expect(pac.state).toMatchObject({ mode: 'pac', pacUrl: 'http://127.0.0.1:40001/proxy.pac' });
    // The journal still holds the setting from before NetLens, not NetLens's own manual one.
    expect(readJournal(t.dataDir, () => true).journal?.previous.mode).toBe("'auto'");
    expect(readJournal(t.dataDir, () => true).journal?.previous['autoconfig-url']).toBe(
      "'http://wpad.corp.example/proxy.pac'",
    );

    const off = await t.controller.set({ on: false });
    expect(off.message).toBe(
      'System proxy restored (GNOME (gsettings)): automatic, PAC http://wpad.corp.example/proxy.pac.',
    );
    expect(off.state.active).toBe(false);
    expect(t.listener()).toBeUndefined();
    expect(t.gnome.listing()).toBe(t.original);
    expect(await t.controller.release()).toBeUndefined();
  });

  it('release() at shutdown restores what it set, and only that', async () => {
    const t = setup();
    await t.controller.set({ on: true });
    const released = await t.controller.release();
    expect(released?.message).toMatch(/^System proxy restored/);
    expect(t.gnome.listing()).toBe(t.original);

    // Set again, then given back by someone else and set by another process meanwhile:
    // release() must leave that other process's journal alone.
    await t.controller.set({ on: true });
    const journal = readJournal(t.dataDir, () => true).journal!;
    await writeJournal(t.dataDir, { ...journal, owner: { name: 'netlens proxy', pid: process.ppid } });
    expect(await t.controller.release()).toBeUndefined();
    expect(fs.existsSync(journalPath(t.dataDir))).toBe(true);
    expect(t.listener()).toBeUndefined();
  });

  it('refuses while another live NetLens holds it; a failed `on` closes the listener it opened', async () => {
    const t = setup();
    await t.controller.set({ on: true });
    const journal = readJournal(t.dataDir, () => true).journal!;
    fs.rmSync(journalPath(t.dataDir));
    const other = setup();
    await writeJournal(other.dataDir, { ...journal, owner: { name: 'netlens web', pid: process.ppid } });
    await expect(other.controller.set({ on: true })).rejects.toMatchObject({
      code: 'system_proxy_busy',
      message: `The system proxy is already set by netlens web (pid ${process.ppid}). Stop it, or run \`netlens system-proxy off\` first.`,
    });

    const failing = setup();
    failing.gnome.failWhen((c) => c.args[2] === 'autoconfig-url');
    await expect(failing.controller.set({ on: true, pac: true })).rejects.toThrow(/Could not set/);
    expect(failing.listener()).toBeUndefined();
    expect(failing.gnome.listing()).toBe(failing.original);
  });
});
