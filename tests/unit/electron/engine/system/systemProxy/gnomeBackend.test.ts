import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gnomeBackend, parseGsettingsList } from '@engine/system/systemProxy/gnomeBackend.js';
import { planChange, planCommands } from '@engine/system/systemProxy/settingsPlan.js';
import { fixturePath } from '@fixtures/paths.js';
import { recordedRunner } from '@fixtures/recordedRunner.js';

const recorded = (name: string): string => readFileSync(fixturePath('system', name), 'utf8');
const backend = gnomeBackend();
const target = { mode: 'manual' as const, host: '127.0.0.1', port: 41234 };

describe('GNOME backend (gsettings org.gnome.system.proxy)', () => {
  it('reads the exact values gsettings printed', async () => {
    const { run, calls } = recordedRunner((c) =>
      c.args.join(' ') === 'list-recursively org.gnome.system.proxy'
        ? recorded('gsettings-proxy-manual.txt')
        : undefined,
    );
    const settings = await backend.read(run);
    expect(calls).toHaveLength(1);
    expect(settings).toEqual({
      'ignore-hosts': `['localhost', '127.0.0.0/8', '::1', '*.corp.example', "it's"]`,
      'http/host': "'proxy.corp.example'",
      'http/port': '3128',
      'http/use-authentication': 'true',
      'https/host': "'proxy.corp.example'",
      'https/port': '3129',
      'autoconfig-url': "''",
      mode: "'manual'",
    });
    expect(backend.describe(settings)).toBe(
      "manual: http proxy.corp.example:3128, https proxy.corp.example:3129; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
    );
  });

  it('says what is missing when the schema is not installed', () => {
    expect(() => parseGsettingsList('No such schema “org.gnome.system.proxy”\n')).toThrow(
      /gsettings-desktop-schemas/,
    );
  });

  it('manual mode: NetLens for http and https, authentication off, loopback kept bypassed, the mode switched last', () => {
    const previous = parseGsettingsList(recorded('gsettings-proxy-default.txt'));
    expect(backend.describe(previous)).toBe('none (direct)');
    const applied = backend.desired(previous, target);
    const plan = planChange(backend, previous, applied, 'apply');
    expect(planCommands(plan).map((c) => [c.file, ...c.args].join(' '))).toEqual([
      "gsettings set org.gnome.system.proxy.http host '127.0.0.1'",
      'gsettings set org.gnome.system.proxy.http port 41234',
      "gsettings set org.gnome.system.proxy.https host '127.0.0.1'",
      'gsettings set org.gnome.system.proxy.https port 41234',
      "gsettings set org.gnome.system.proxy mode 'manual'",
    ]);
    // GNOME's default ignore-hosts already holds the loopback entries: unchanged.
    expect(applied['ignore-hosts']).toBe(previous['ignore-hosts']);
    // The restore plan gives back every value exactly, the mode first.
    const restore = planChange(backend, applied, previous, 'restore');
    expect(planCommands(restore).map((c) => c.args.slice(1).join(' '))).toEqual([
      "org.gnome.system.proxy mode 'none'",
      'org.gnome.system.proxy.https port 0',
      "org.gnome.system.proxy.https host ''",
      'org.gnome.system.proxy.http port 8080',
      "org.gnome.system.proxy.http host ''",
    ]);
  });

  it('manual mode over a corporate proxy: its bypass list is kept, credentials are not sent to NetLens', () => {
    const previous = parseGsettingsList(recorded('gsettings-proxy-manual.txt'));
    const applied = backend.desired(previous, target);
    expect(applied['http/use-authentication']).toBe('false');
    expect(applied['ignore-hosts']).toBe(previous['ignore-hosts']);
    const custom = { ...previous, 'ignore-hosts': "['*.corp.example']" };
    expect(backend.desired(custom, target)['ignore-hosts']).toBe(
      "['*.corp.example', 'localhost', '127.0.0.0/8', '::1']",
    );
    // A user who asked Chromium to proxy loopback keeps that: nothing is added after `<-loopback>`.
    const loopback = { ...previous, 'ignore-hosts': "['<-loopback>', '*.corp.example']" };
    expect(backend.desired(loopback, target)['ignore-hosts']).toBe("['<-loopback>', '*.corp.example']");
    expect(backend.describe(applied)).toBe(
      "manual: http 127.0.0.1:41234, https 127.0.0.1:41234; ignore localhost, 127.0.0.0/8, ::1, *.corp.example, it's",
    );
  });

  it('pac mode: the auto-config URL and mode auto, nothing else', () => {
    const previous = parseGsettingsList(recorded('gsettings-proxy-pac.txt'));
    expect(backend.describe(previous)).toBe('automatic, PAC http://wpad.corp.example/proxy.pac');
    const applied = backend.desired(previous, { mode: 'pac', pacUrl: 'http://127.0.0.1:41234/proxy.pac' });
    const plan = planChange(backend, previous, applied, 'apply');
    expect(planCommands(plan).map((c) => c.args.slice(1).join(' '))).toEqual([
      "org.gnome.system.proxy autoconfig-url 'http://127.0.0.1:41234/proxy.pac'",
    ]);
    expect(plan.steps[0]!.undo[0]!.args.slice(1).join(' ')).toBe(
      "org.gnome.system.proxy autoconfig-url 'http://wpad.corp.example/proxy.pac'",
    );
  });
});
