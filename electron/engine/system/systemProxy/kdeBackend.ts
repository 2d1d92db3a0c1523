/**
 * KDE Plasma: the "Proxy Settings" group of kioslaverc, read with kreadconfig5/6 and written
 * with kwriteconfig5/6, then the D-Bus signal KIO listens for (`reparseSlaveConfiguration` on
 * /KIO/Scheduler, interface org.kde.KIO.Scheduler — the name is unchanged in KF6) so running
 * applications reread it. Chromium and Firefox on Plasma read the same file.
 *
 * A key the file does not have is different from an empty one: it is read with a default that
 * cannot be a real value, kept as `null`, and restored by deleting the key again.
 */
import type { CommandRunner, SystemCommand } from './systemCommand.js';
import { commandSucceeded, failureText } from './systemCommand.js';
import type { SettingValue, SettingsRecord } from './settingsPlan.js';
import { withLoopback, type NetlensProxyTarget, type ProxyBackend } from './proxyBackend.js';
import { SystemProxyError } from './systemProxyError.js';

export const KDE_FILE = 'kioslaverc';
export const KDE_GROUP = 'Proxy Settings';
/** Printed by kreadconfig for a key the file does not have. */
export const KDE_ABSENT = '@@netlens-absent@@';

const KEYS = [
  'NoProxyFor',
  'ReversedException',
  'httpProxy',
  'httpsProxy',
  'Proxy Config Script',
  'ProxyType',
] as const;
type KdeKey = (typeof KEYS)[number];

export const KDE_LOOPBACK = ['localhost', '127.0.0.0/8', '::1'];

/** ProxyType values (KIO's KProtocolManager::ProxyType). */
const PROXY_TYPES: Record<string, string> = {
  '0': 'none (direct)',
  '1': 'manual',
  '2': 'automatic (PAC)',
  '3': 'automatic (WPAD discovery)',
  '4': 'from environment variables',
};

export interface KdeTools {
  read: string;
  write: string;
}

export function kdeReadCommand(tools: KdeTools, key: string): SystemCommand {
  return {
    file: tools.read,
    args: ['--file', KDE_FILE, '--group', KDE_GROUP, '--key', key, '--default', KDE_ABSENT],
  };
}

/** kreadconfig's output for one key: the value (its newline removed), or null when absent. */
export function parseKreadconfig(output: string): string | null {
  const value = output.replace(/\r?\n$/, '');
  return value === KDE_ABSENT ? null : value;
}

/** KDE writes a proxy as `http://host port` (a space before the port); Chromium and KIO read both forms. */
export function kdeProxyValue(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host} ${port}`;
}

function valueOf(settings: SettingsRecord, key: KdeKey): string | null {
  const value = settings[key];
  return typeof value === 'string' ? value : null;
}

export function kdeBackend(tools: KdeTools): ProxyBackend {
  return {
    id: 'kde',
    label: `KDE Plasma (${tools.write})`,
    notify: [
      {
        file: 'dbus-send',
        args: [
          '--session',
          '--type=signal',
          '/KIO/Scheduler',
          'org.kde.KIO.Scheduler.reparseSlaveConfiguration',
          'string:',
        ],
      },
    ],
    async read(run: CommandRunner) {
      const record: Record<string, string | null> = {};
      for (const key of KEYS) {
        const command = kdeReadCommand(tools, key);
        const output = await run(command);
        if (!commandSucceeded(command, output)) {
          throw new SystemProxyError(
            `Could not read the KDE proxy setting: ${failureText(command, output)}.`,
            'system_proxy_failed',
          );
        }
        record[key] = parseKreadconfig(output.stdout);
      }
      return record;
    },
    desired(previous: SettingsRecord, target: NetlensProxyTarget): SettingsRecord {
      if (target.mode === 'pac') {
        return { ...previous, 'Proxy Config Script': target.pacUrl, ProxyType: '2' };
      }
      const noProxy = (valueOf(previous, 'NoProxyFor') ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const proxy = kdeProxyValue(target.host, target.port);
      const reversed = valueOf(previous, 'ReversedException');
      return {
        ...previous,
        NoProxyFor: withLoopback(noProxy, KDE_LOOPBACK).join(','),
        // Reversed, NoProxyFor would list the only hosts that use the proxy.
        ReversedException: reversed === null || reversed === 'false' ? reversed : 'false',
        httpProxy: proxy,
        httpsProxy: proxy,
        ProxyType: '1',
      };
    },
    order: (keys) => KEYS.filter((key) => keys.includes(key)),
    commandsFor(key: string, _from: SettingValue, to: SettingValue): SystemCommand[] {
      const base = ['--file', KDE_FILE, '--group', KDE_GROUP, '--key', key];
      return [
        to === null
          ? { file: tools.write, args: [...base, '--delete'] }
          : { file: tools.write, args: [...base, String(to)] },
      ];
    },
    describeKey: (key) => `${KDE_FILE} [${KDE_GROUP}] ${key}`,
    describe(settings) {
      const type = valueOf(settings, 'ProxyType') ?? '0';
      if (type === '2') return `automatic, PAC ${valueOf(settings, 'Proxy Config Script') ?? '(none)'}`;
      if (type !== '1') return PROXY_TYPES[type] ?? `ProxyType ${type}`;
      const proxies = (['httpProxy', 'httpsProxy'] as const)
        .map((key) => {
          const value = valueOf(settings, key);
          return value ? `${key === 'httpProxy' ? 'http' : 'https'} ${value.replace(' ', ':')}` : undefined;
        })
        .filter((part) => part !== undefined);
      const noProxy = valueOf(settings, 'NoProxyFor');
      const reversed = valueOf(settings, 'ReversedException') === 'true';
      return `manual: ${proxies.length > 0 ? proxies.join(', ') : 'no HTTP/HTTPS proxy'}; ${reversed ? 'only for' : 'ignore'} ${noProxy || 'nothing'}`;
    },
    isKey: (key) => (KEYS as readonly string[]).includes(key),
    isValue: (_key, value) => value === null || typeof value === 'string',
  };
}
