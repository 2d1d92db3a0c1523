import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  macosBackend,
  parseAutoDiscovery,
  parseAutoProxy,
  parseBypassDomains,
  parseMacProxy,
  parseNetworkServices,
} from '@engine/system/systemProxy/macosBackend.js';
import { planChange, planCommands } from '@engine/system/systemProxy/settingsPlan.js';
import { formatCommand } from '@engine/system/systemProxy/systemCommand.js';
import { fixturePath } from '@fixtures/paths.js';
import { recordedRunner } from '@fixtures/recordedRunner.js';

const outputs = JSON.parse(
  readFileSync(fixturePath('system', 'macos-networksetup-corporate.json'), 'utf8'),
) as Record<string, string>;
const backend = macosBackend('/usr/sbin/networksetup');

async function readCorporate() {
  const { run, calls } = recordedRunner((c) => outputs[c.args.join(' ')]);
  return { settings: await backend.read(run), calls };
}

describe('macOS backend (networksetup, every enabled network service)', () => {
  it('parses what networksetup prints', () => {
    expect(parseNetworkServices(outputs['-listallnetworkservices']!)).toEqual([
      'USB 10/100/1000 LAN',
      'Wi-Fi',
      'Thunderbolt Bridge',
    ]);
    expect(parseMacProxy(outputs['-getwebproxy USB 10/100/1000 LAN']!)).toEqual({
      enabled: true,
      server: 'proxy.corp.example',
      port: 3128,
      authenticated: false,
    });
    expect(parseMacProxy(outputs['-getwebproxy Wi-Fi']!)).toEqual({
      enabled: false,
      server: '',
      port: 0,
      authenticated: false,
    });
    expect(parseBypassDomains(outputs['-getproxybypassdomains Wi-Fi']!)).toEqual([]);
    expect(parseBypassDomains(outputs['-getproxybypassdomains USB 10/100/1000 LAN']!)).toEqual([
      '*.local',
      '169.254/16',
    ]);
    expect(parseAutoProxy(outputs['-getautoproxyurl Wi-Fi']!)).toEqual({
      enabled: true,
      url: 'http://wpad.corp.example/proxy.pac',
    });
    expect(parseAutoProxy(outputs['-getautoproxyurl USB 10/100/1000 LAN']!)).toEqual({
      enabled: false,
      url: '',
    });
    expect(parseAutoDiscovery(outputs['-getproxyautodiscovery Wi-Fi']!)).toBe(true);
    expect(() => parseMacProxy('** Error: The parameters were not valid.\n')).toThrow(/not a networksetup/);
  });

  it('reads every enabled service (not the disabled one) into exact values', async () => {
    const { settings, calls } = await readCorporate();
    expect(calls.some((c) => c.args.includes('Bluetooth PAN'))).toBe(false);
    expect(settings['web:USB 10/100/1000 LAN']).toEqual({
      enabled: true,
      server: 'proxy.corp.example',
      port: 3128,
      authenticated: false,
    });
    expect(settings['autoProxy:Wi-Fi']).toEqual({ enabled: true, url: 'http://wpad.corp.example/proxy.pac' });
    expect(backend.describe(settings)).toBe(
      'USB 10/100/1000 LAN: web proxy.corp.example:3128, secure web proxy.corp.example:3128, bypass *.local, 169.254/16; Wi-Fi: PAC http://wpad.corp.example/proxy.pac, auto discovery; Thunderbolt Bridge: none (direct)',
    );
  });

  it('manual: the commands per service, and the ones that give each value back', async () => {
    const { settings: previous } = await readCorporate();
    const applied = backend.desired(previous, { mode: 'manual', host: '127.0.0.1', port: 41234 });
    const apply = planChange(backend, previous, applied, 'apply');
    const wifi = planCommands(apply)
      .filter((c) => c.args[1] === 'Wi-Fi')
      .map((c) => formatCommand(c, 'darwin'));
    expect(wifi).toEqual([
      '/usr/sbin/networksetup -setproxybypassdomains Wi-Fi localhost 127.0.0.1 ::1',
      '/usr/sbin/networksetup -setproxyautodiscovery Wi-Fi off',
      '/usr/sbin/networksetup -setwebproxy Wi-Fi 127.0.0.1 41234',
      '/usr/sbin/networksetup -setsecurewebproxy Wi-Fi 127.0.0.1 41234',
      '/usr/sbin/networksetup -setautoproxystate Wi-Fi off',
    ]);
    const restoreWifi = planCommands(planChange(backend, applied, previous, 'restore'))
      .filter((c) => c.args[1] === 'Wi-Fi')
      .map((c) => c.args.join(' '));
    // networksetup cannot clear a server field: a proxy that had none is turned off again.
    expect(restoreWifi).toEqual([
      '-setautoproxystate Wi-Fi on',
      '-setsecurewebproxystate Wi-Fi off',
      '-setwebproxystate Wi-Fi off',
      '-setproxyautodiscovery Wi-Fi on',
      '-setproxybypassdomains Wi-Fi Empty',
    ]);
    const restoreLan = planCommands(planChange(backend, applied, previous, 'restore'))
      .filter((c) => c.args[1] === 'USB 10/100/1000 LAN')
      .map((c) => c.args.join(' '));
    expect(restoreLan).toEqual([
      '-setsecurewebproxy USB 10/100/1000 LAN proxy.corp.example 3128',
      '-setwebproxy USB 10/100/1000 LAN proxy.corp.example 3128',
      '-setproxybypassdomains USB 10/100/1000 LAN *.local 169.254/16',
    ]);
    expect(apply.steps.every((s) => s.commands.every((c) => c.errorPattern === '^\\*\\* Error'))).toBe(true);
  });

  it('pac: only turns the manual proxies off, so a proxy with a password keeps it', async () => {
    const { settings } = await readCorporate();
    const withPassword = {
      ...settings,
      'web:USB 10/100/1000 LAN': {
        enabled: true,
        server: 'proxy.corp.example',
        port: 3128,
        authenticated: true,
      },
    };
    const applied = backend.desired(withPassword, {
      mode: 'pac',
      pacUrl: 'http://127.0.0.1:41234/proxy.pac',
    });
    const lan = planCommands(planChange(backend, withPassword, applied, 'apply'))
      .filter((c) => c.args[1] === 'USB 10/100/1000 LAN')
      .map((c) => c.args.join(' '));
    expect(lan).toEqual([
      '-setwebproxystate USB 10/100/1000 LAN off',
      '-setsecurewebproxystate USB 10/100/1000 LAN off',
      '-setautoproxyurl USB 10/100/1000 LAN http://127.0.0.1:41234/proxy.pac',
    ]);
    expect(
      planCommands(planChange(backend, applied, withPassword, 'restore'))
        .filter((c) => c.args[1] === 'USB 10/100/1000 LAN')
        .map((c) => c.args.join(' ')),
    ).toEqual([
      '-setautoproxystate USB 10/100/1000 LAN off',
      '-setsecurewebproxystate USB 10/100/1000 LAN on',
      '-setwebproxystate USB 10/100/1000 LAN on',
    ]);
    // Manual mode would have to replace it, and could not give the password back: refused.
    expect(() => backend.desired(withPassword, { mode: 'manual', host: '127.0.0.1', port: 1 })).toThrow(
      /uses a password.*nothing was changed/,
    );
  });
});
