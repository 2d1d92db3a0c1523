/**
 * Windows: the current user's WinINet settings in
 * HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings — ProxyEnable, ProxyServer,
 * ProxyOverride and AutoConfigURL — read with `reg query` and written with `reg add` /
 * `reg delete`, then WinINet is told to reload them (InternetSetOption with
 * INTERNET_OPTION_SETTINGS_CHANGED and INTERNET_OPTION_REFRESH, through PowerShell). Edge,
 * Chrome and most Windows applications follow these settings.
 *
 * A value the key does not have is `null` and is restored by deleting it; a present one keeps
 * its registry type.
 */
import type { CommandRunner, SystemCommand } from './systemCommand.js';
import { commandSucceeded, failureText } from './systemCommand.js';
import type { SettingValue, SettingsRecord } from './settingsPlan.js';
import { isRecordValue, withLoopback, type NetlensProxyTarget, type ProxyBackend } from './proxyBackend.js';
import { SystemProxyError } from './systemProxyError.js';

export const INTERNET_SETTINGS_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

const KEYS = ['ProxyOverride', 'ProxyServer', 'AutoConfigURL', 'ProxyEnable'] as const;
type WindowsKey = (typeof KEYS)[number];
const TYPES = ['REG_SZ', 'REG_EXPAND_SZ', 'REG_DWORD'] as const;
type RegType = (typeof TYPES)[number];

export interface RegistryValue {
  type: RegType;
  /** As `reg query` printed it (`0x1` for a DWORD). */
  data: string;
}

/** WinINet bypass entries for loopback (`<local>` only covers names without a dot). */
export const WINDOWS_LOOPBACK = ['localhost', '127.*', '[::1]'];

// INTERNET_OPTION_SETTINGS_CHANGED (39) then INTERNET_OPTION_REFRESH (37), per WinINet's docs for
// applying changed proxy settings without a restart.
const REFRESH_SCRIPT = [
  '$signature = \'[DllImport("wininet.dll", SetLastError = true)] public static extern bool InternetSetOption(IntPtr hInternet, int dwOption, IntPtr lpBuffer, int dwBufferLength);\'',
  '$wininet = Add-Type -MemberDefinition $signature -Name WinInet -Namespace NetLens -PassThru',
  'if (-not $wininet::InternetSetOption([IntPtr]::Zero, 39, [IntPtr]::Zero, 0)) { exit 1 }',
  'if (-not $wininet::InternetSetOption([IntPtr]::Zero, 37, [IntPtr]::Zero, 0)) { exit 1 }',
].join('; ');

/** The refresh, as a PowerShell command with the script encoded (no quoting to go wrong). */
export function wininetRefreshCommand(): SystemCommand {
  return {
    file: 'powershell.exe',
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-EncodedCommand',
      Buffer.from(REFRESH_SCRIPT, 'utf16le').toString('base64'),
    ],
  };
}

export function refreshScript(): string {
  return REFRESH_SCRIPT;
}

/**
 * `reg query KEY`: the values directly under the key (subkeys are listed after a blank line and
 * ignored). A value line is 4 spaces, the name, 4 spaces, the type, 4 spaces, the data; names
 * may contain spaces.
 */
export function parseRegQuery(output: string): Map<string, { type: string; data: string }> {
  const values = new Map<string, { type: string; data: string }>();
  const lines = output.split(/\r?\n/);
  let inKey = false;
  for (const line of lines) {
    if (/^HKEY_/i.test(line)) {
      if (inKey) break;
      inKey = true;
      continue;
    }
    if (!inKey) continue;
    const match = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (match) values.set(match[1]!, { type: match[2]!, data: match[3] ?? '' });
  }
  return values;
}

function asValue(value: SettingValue | undefined): RegistryValue | null {
  if (!isRecordValue(value as SettingValue)) return null;
  const v = value as { type?: unknown; data?: unknown };
  return typeof v.type === 'string' && typeof v.data === 'string'
    ? { type: v.type as RegType, data: v.data }
    : null;
}

function registryData(value: RegistryValue): string {
  // reg add takes a DWORD in decimal.
  return value.type === 'REG_DWORD' ? String(parseInt(value.data, 16) >>> 0) : value.data;
}

function enabled(settings: SettingsRecord): boolean {
  const value = asValue(settings.ProxyEnable);
  return value !== null && parseInt(value.data, 16) !== 0;
}

export function windowsBackend(reg = 'reg'): ProxyBackend {
  const text = (settings: SettingsRecord, name: WindowsKey): string => asValue(settings[name])?.data ?? '';
  return {
    id: 'windows',
    label: 'Windows (Internet Settings)',
    notify: [wininetRefreshCommand()],
    async read(run: CommandRunner) {
      const command: SystemCommand = { file: reg, args: ['query', INTERNET_SETTINGS_KEY] };
      const output = await run(command);
      if (!commandSucceeded(command, output)) {
        throw new SystemProxyError(
          `Could not read the Windows proxy setting: ${failureText(command, output)}.`,
          'system_proxy_failed',
        );
      }
      const values = parseRegQuery(output.stdout);
      const record: Record<string, SettingValue> = {};
      for (const name of KEYS) {
        const value = values.get(name);
        if (value && !(TYPES as readonly string[]).includes(value.type)) {
          throw new SystemProxyError(
            `${INTERNET_SETTINGS_KEY}\\${name} has the unexpected type ${value.type}; NetLens leaves it alone. Check it in the Internet Options.`,
            'system_proxy_refused',
          );
        }
        record[name] = value ? { type: value.type, data: value.data } : null;
      }
      return record;
    },
    desired(previous: SettingsRecord, target: NetlensProxyTarget): SettingsRecord {
      if (target.mode === 'pac') {
        return {
          ...previous,
          AutoConfigURL: { type: 'REG_SZ', data: target.pacUrl },
          // With the PAC file unreachable (NetLens stopped), WinINet then goes direct.
          ProxyEnable: { type: 'REG_DWORD', data: '0x0' },
        };
      }
      const override = text(previous, 'ProxyOverride')
        .split(';')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const host = target.host.includes(':') ? `[${target.host}]` : target.host;
      return {
        ...previous,
        ProxyOverride: { type: 'REG_SZ', data: withLoopback(override, WINDOWS_LOOPBACK).join(';') },
        ProxyServer: { type: 'REG_SZ', data: `${host}:${target.port}` },
        // An auto-config URL would win over the manual proxy.
        AutoConfigURL: null,
        ProxyEnable: { type: 'REG_DWORD', data: '0x1' },
      };
    },
    order: (keys) => KEYS.filter((name) => keys.includes(name)),
    commandsFor(name: string, _from: SettingValue, to: SettingValue): SystemCommand[] {
      const value = asValue(to);
      if (value === null) return [{ file: reg, args: ['delete', INTERNET_SETTINGS_KEY, '/v', name, '/f'] }];
      return [
        {
          file: reg,
          args: ['add', INTERNET_SETTINGS_KEY, '/v', name, '/t', value.type, '/d', registryData(value), '/f'],
        },
      ];
    },
    describeKey: (name) => `${INTERNET_SETTINGS_KEY}\\${name}`,
    describe(settings) {
      const parts: string[] = [];
      const pac = text(settings, 'AutoConfigURL');
      if (pac !== '') parts.push(`automatic, PAC ${pac}`);
      if (enabled(settings)) {
        const override = text(settings, 'ProxyOverride');
        parts.push(
          `manual ${text(settings, 'ProxyServer') || '(no server)'}${override ? `; bypass ${override}` : ''}`,
        );
      }
      return parts.length > 0 ? parts.join('; then ') : 'none (direct)';
    },
    isKey: (name) => (KEYS as readonly string[]).includes(name),
    isValue: (_name, value) => value === null || asValue(value) !== null,
  };
}
