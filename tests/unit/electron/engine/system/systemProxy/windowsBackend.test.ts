import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  INTERNET_SETTINGS_KEY,
  parseRegQuery,
  refreshScript,
  windowsBackend,
} from '@engine/system/systemProxy/windowsBackend.js';
import { planChange, planCommands } from '@engine/system/systemProxy/settingsPlan.js';
import { formatCommand } from '@engine/system/systemProxy/systemCommand.js';
import { fixturePath } from '@fixtures/paths.js';
import { recordedRunner } from '@fixtures/recordedRunner.js';

const recorded = (name: string): string => readFileSync(fixturePath('system', name), 'utf8');
const backend = windowsBackend();

async function read(name: string) {
  const { run } = recordedRunner((c) =>
    c.file === 'reg' && c.args.join('|') === `query|${INTERNET_SETTINGS_KEY}` ? recorded(name) : undefined,
  );
  return backend.read(run);
}

describe('Windows backend (HKCU Internet Settings through reg.exe)', () => {
  it('parses the values under the key only, names with spaces included', () => {
    const values = parseRegQuery(recorded('windows-reg-query-internet-settings-manual.txt'));
    expect(values.get('ProxyServer')).toEqual({ type: 'REG_SZ', data: 'proxy.corp.example:3128' });
    expect(values.get('User Agent')).toEqual({
      type: 'REG_SZ',
      data: 'Mozilla/4.0 (compatible; MSIE 8.0; Win32)',
    });
    expect(values.get('ProxyEnable')).toEqual({ type: 'REG_DWORD', data: '0x1' });
    expect([...values.keys()]).not.toContain('Connections');
    expect(parseRegQuery('\r\nHKEY_CURRENT_USER\\X\r\n    Empty    REG_SZ    \r\n').get('Empty')).toEqual({
      type: 'REG_SZ',
      data: '',
    });
  });

  it('reads a manual proxy and a PAC URL; absent values are null', async () => {
    const manual = await read('windows-reg-query-internet-settings-manual.txt');
    expect(manual).toEqual({
      ProxyOverride: { type: 'REG_SZ', data: '*.corp.example;<local>' },
      ProxyServer: { type: 'REG_SZ', data: 'proxy.corp.example:3128' },
      AutoConfigURL: null,
      ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
    });
    expect(backend.describe(manual)).toBe('manual proxy.corp.example:3128; bypass *.corp.example;<local>');
    const pac = await read('windows-reg-query-internet-settings-pac.txt');
    expect(backend.describe(pac)).toBe('automatic, PAC http://wpad.corp.example/proxy.pac');
  });

  it('manual: reg add / reg delete in order, the switch last, then the WinINet refresh', async () => {
    const previous = await read('windows-reg-query-internet-settings-pac.txt');
    const applied = backend.desired(previous, { mode: 'manual', host: '127.0.0.1', port: 41234 });
    const lines = planCommands(planChange(backend, previous, applied, 'apply')).map((c) =>
      formatCommand(c, 'win32'),
    );
    const key = `"${INTERNET_SETTINGS_KEY}"`;
    expect(lines.slice(0, 4)).toEqual([
      `reg add ${key} /v ProxyOverride /t REG_SZ /d "localhost;127.*;[::1]" /f`,
      `reg add ${key} /v ProxyServer /t REG_SZ /d 127.0.0.1:41234 /f`,
      `reg delete ${key} /v AutoConfigURL /f`,
      `reg add ${key} /v ProxyEnable /t REG_DWORD /d 1 /f`,
    ]);
    expect(lines[4]).toMatch(/^powershell\.exe -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+$/);
    const restore = planCommands(planChange(backend, applied, previous, 'restore')).map((c) =>
      formatCommand(c, 'win32'),
    );
    expect(restore.slice(0, 4)).toEqual([
      `reg add ${key} /v ProxyEnable /t REG_DWORD /d 0 /f`,
      `reg add ${key} /v AutoConfigURL /t REG_SZ /d http://wpad.corp.example/proxy.pac /f`,
      `reg delete ${key} /v ProxyServer /f`,
      `reg delete ${key} /v ProxyOverride /f`,
    ]);
  });

  it('keeps the user bypass list and adds loopback; pac turns the manual proxy off', async () => {
    const previous = await read('windows-reg-query-internet-settings-manual.txt');
    const manual = backend.desired(previous, { mode: 'manual', host: '::1', port: 8899 });
    expect(manual.ProxyOverride).toEqual({
      type: 'REG_SZ',
      data: '*.corp.example;<local>;localhost;127.*;[::1]',
    });
    expect(manual.ProxyServer).toEqual({ type: 'REG_SZ', data: '[::1]:8899' });
    const pac = backend.desired(previous, { mode: 'pac', pacUrl: 'http://127.0.0.1:8899/proxy.pac' });
    expect(pac.ProxyEnable).toEqual({ type: 'REG_DWORD', data: '0x0' });
    expect(pac.ProxyServer).toEqual(previous.ProxyServer);
  });

  it('the refresh script calls InternetSetOption with SETTINGS_CHANGED (39) then REFRESH (37)', () => {
    const command = backend.notify[0]!;
    const decoded = Buffer.from(command.args[3]!, 'base64').toString('utf16le');
    expect(decoded).toBe(refreshScript());
    expect(decoded).toMatch(
      /InternetSetOption\(\[IntPtr\]::Zero, 39,.*InternetSetOption\(\[IntPtr\]::Zero, 37,/,
    );
  });
});
