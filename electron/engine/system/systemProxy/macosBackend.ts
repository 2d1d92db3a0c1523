/**
 * macOS: `networksetup`, for every enabled network service (Wi-Fi, Ethernet, a VPN...), since
 * the OS uses the proxy of whichever service carries the traffic. Per service NetLens reads the
 * web (HTTP) and secure web (HTTPS) proxies, the bypass domains, the auto-proxy (PAC) URL and
 * auto proxy discovery, and writes them with the matching -set… commands.
 *
 * networksetup cannot clear a proxy's server or a PAC URL, only turn it off; and it cannot read
 * a proxy password back. So a proxy that was never configured is restored as "off" (its server
 * field keeps NetLens's address, unused), and NetLens refuses to replace a web proxy that uses
 * a password (it could not give it back) — PAC mode, which only turns it off, still works.
 */
import type { CommandRunner, SystemCommand } from './systemCommand.js';
import { commandSucceeded, failureText } from './systemCommand.js';
import type { SettingValue, SettingsRecord } from './settingsPlan.js';
import {
  isRecordValue,
  isStringArray,
  withLoopback,
  type NetlensProxyTarget,
  type ProxyBackend,
} from './proxyBackend.js';
import { SystemProxyError } from './systemProxyError.js';

export interface MacProxy {
  enabled: boolean;
  server: string;
  port: number;
  authenticated: boolean;
}

export interface MacAutoProxy {
  enabled: boolean;
  /** '' when networksetup says `(null)`. */
  url: string;
}

const KINDS = ['bypass', 'autoDiscovery', 'web', 'secureWeb', 'autoProxy'] as const;
type Kind = (typeof KINDS)[number];

export const MAC_LOOPBACK = ['localhost', '127.0.0.1', '::1'];
/** networksetup prints some failures (no such service, no privileges) with exit code 0. */
const ERROR_PATTERN = '^\\*\\* Error';

function key(kind: Kind, service: string): string {
  return `${kind}:${service}`;
}

function splitKey(value: string): { kind: Kind; service: string } | undefined {
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon) as Kind;
  if (colon <= 0 || !KINDS.includes(kind) || colon === value.length - 1) return undefined;
  return { kind, service: value.slice(colon + 1) };
}

/** `-listallnetworkservices`: the enabled services (a leading `*` marks a disabled one). */
export function parseNetworkServices(output: string): string[] {
  return output
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !line.startsWith('*'));
}

function fields(output: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return map;
}

/** `-getwebproxy` / `-getsecurewebproxy`. */
export function parseMacProxy(output: string): MacProxy {
  const map = fields(output);
  if (!map.has('Enabled')) throw new Error(`not a networksetup proxy answer: ${output.trim().slice(0, 120)}`);
  const port = Number(map.get('Port') ?? '0');
  return {
    enabled: map.get('Enabled') === 'Yes',
    server: map.get('Server') ?? '',
    port: Number.isInteger(port) ? port : 0,
    authenticated: map.get('Authenticated Proxy Enabled') === '1',
  };
}

/** `-getproxybypassdomains`: one domain a line, or a sentence saying there are none. */
export function parseBypassDomains(output: string): string[] {
  if (/There aren't any bypass domains/i.test(output)) return [];
  return output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `-getautoproxyurl`. */
export function parseAutoProxy(output: string): MacAutoProxy {
  const map = fields(output);
  if (!map.has('Enabled'))
    throw new Error(`not a networksetup auto-proxy answer: ${output.trim().slice(0, 120)}`);
  const url = map.get('URL') ?? '';
  return { enabled: map.get('Enabled') === 'Yes', url: url === '(null)' ? '' : url };
}

/** `-getproxyautodiscovery`: `Auto Proxy Discovery: On|Off`. */
export function parseAutoDiscovery(output: string): boolean {
  const value = fields(output).get('Auto Proxy Discovery');
  if (value === undefined) throw new Error(`not a networksetup answer: ${output.trim().slice(0, 120)}`);
  return value === 'On';
}

function asProxy(value: SettingValue): MacProxy {
  const v = isRecordValue(value) ? value : {};
  return {
    enabled: v.enabled === true,
    server: typeof v.server === 'string' ? v.server : '',
    port: typeof v.port === 'number' ? v.port : 0,
    authenticated: v.authenticated === true,
  };
}

function asAutoProxy(value: SettingValue): MacAutoProxy {
  const v = isRecordValue(value) ? value : {};
  return { enabled: v.enabled === true, url: typeof v.url === 'string' ? v.url : '' };
}

function proxyValue(proxy: MacProxy): SettingValue {
  return { ...proxy };
}

export function macosBackend(networksetup = '/usr/sbin/networksetup'): ProxyBackend {
  const command = (...args: string[]): SystemCommand => ({
    file: networksetup,
    args,
    errorPattern: ERROR_PATTERN,
  });
  const services = (settings: SettingsRecord): string[] => [
    ...new Set(
      Object.keys(settings)
        .map(splitKey)
        .filter((k) => k !== undefined)
        .map((k) => k.service),
    ),
  ];

  async function get<T>(run: CommandRunner, args: string[], parse: (output: string) => T): Promise<T> {
    const cmd = command(...args);
    const output = await run(cmd);
    if (!commandSucceeded(cmd, output)) {
      throw new SystemProxyError(
        `Could not read the macOS proxy setting: ${failureText(cmd, output)}.`,
        'system_proxy_failed',
      );
    }
    try {
      return parse(output.stdout);
    } catch (error) {
      throw new SystemProxyError(
        `Could not read the macOS proxy setting: networksetup ${args.join(' ')} answered ${(error as Error).message}.`,
        'system_proxy_failed',
      );
    }
  }

  function proxyCommands(
    kind: 'web' | 'secureWeb',
    service: string,
    from: MacProxy,
    to: MacProxy,
  ): SystemCommand[] {
    const name = kind === 'web' ? 'webproxy' : 'securewebproxy';
    const state = (on: boolean) => command(`-set${name}state`, service, on ? 'on' : 'off');
    const sameServer =
      from.server === to.server && from.port === to.port && from.authenticated === to.authenticated;
    if (sameServer || to.server === '') return [state(to.enabled)];
    // -setwebproxy sets the server and port and turns the proxy on.
    return [
      command(`-set${name}`, service, to.server, String(to.port)),
      ...(to.enabled ? [] : [state(false)]),
    ];
  }

  return {
    id: 'macos',
    label: 'macOS (networksetup)',
    notify: [],
    async read(run) {
      const names = await get(run, ['-listallnetworkservices'], parseNetworkServices);
      if (names.length === 0) {
        throw new SystemProxyError(
          'networksetup lists no enabled network service: there is no proxy setting to change.',
          'system_proxy_failed',
        );
      }
      const record: Record<string, SettingValue> = {};
      for (const service of names) {
        record[key('bypass', service)] = await get(
          run,
          ['-getproxybypassdomains', service],
          parseBypassDomains,
        );
        record[key('autoDiscovery', service)] = await get(
          run,
          ['-getproxyautodiscovery', service],
          parseAutoDiscovery,
        );
        record[key('web', service)] = proxyValue(await get(run, ['-getwebproxy', service], parseMacProxy));
        record[key('secureWeb', service)] = proxyValue(
          await get(run, ['-getsecurewebproxy', service], parseMacProxy),
        );
        record[key('autoProxy', service)] = {
          ...(await get(run, ['-getautoproxyurl', service], parseAutoProxy)),
        };
      }
      return record;
    },
    desired(previous: SettingsRecord, target: NetlensProxyTarget): SettingsRecord {
      const next: Record<string, SettingValue> = { ...previous };
      for (const service of services(previous)) {
        const web = asProxy(previous[key('web', service)] ?? null);
        const secureWeb = asProxy(previous[key('secureWeb', service)] ?? null);
        next[key('autoDiscovery', service)] = false;
        if (target.mode === 'pac') {
          next[key('web', service)] = proxyValue({ ...web, enabled: false });
          next[key('secureWeb', service)] = proxyValue({ ...secureWeb, enabled: false });
          next[key('autoProxy', service)] = { enabled: true, url: target.pacUrl };
          continue;
        }
        for (const [kind, proxy] of [
          ['web', web],
          ['secureWeb', secureWeb],
        ] as const) {
          const ours = proxy.server === target.host && proxy.port === target.port;
          if (proxy.authenticated && !ours) {
            throw new SystemProxyError(
              `The ${kind === 'web' ? 'web' : 'secure web'} proxy of "${service}" (${proxy.server}:${proxy.port}) uses a password, which networksetup cannot read back, so NetLens could not restore it; nothing was changed. Use \`netlens system-proxy on --pac\`, or \`netlens browser\` / \`netlens env\`.`,
              'system_proxy_refused',
            );
          }
          next[key(kind, service)] = proxyValue({
            enabled: true,
            server: target.host,
            port: target.port,
            authenticated: false,
          });
        }
        const bypass = previous[key('bypass', service)] ?? null;
        next[key('bypass', service)] = withLoopback(isStringArray(bypass) ? bypass : [], MAC_LOOPBACK);
        next[key('autoProxy', service)] = {
          ...asAutoProxy(previous[key('autoProxy', service)] ?? null),
          enabled: false,
        };
      }
      return next;
    },
    order(keys) {
      const parsed = keys.map(splitKey).filter((k) => k !== undefined);
      const order: string[] = [];
      for (const service of [...new Set(parsed.map((k) => k.service))]) {
        for (const kind of KINDS) if (keys.includes(key(kind, service))) order.push(key(kind, service));
      }
      return order;
    },
    commandsFor(settingKey: string, from: SettingValue, to: SettingValue): SystemCommand[] {
      const parsed = splitKey(settingKey);
      if (!parsed) return [];
      const { kind, service } = parsed;
      switch (kind) {
        case 'bypass': {
          const domains = isStringArray(to) ? to : [];
          return [command('-setproxybypassdomains', service, ...(domains.length > 0 ? domains : ['Empty']))];
        }
        case 'autoDiscovery':
          return [command('-setproxyautodiscovery', service, to === true ? 'on' : 'off')];
        case 'web':
        case 'secureWeb':
          return proxyCommands(kind, service, asProxy(from), asProxy(to));
        case 'autoProxy': {
          const before = asAutoProxy(from);
          const after = asAutoProxy(to);
          const state = command('-setautoproxystate', service, after.enabled ? 'on' : 'off');
          if (after.url === before.url || after.url === '') return [state];
          // -setautoproxyurl sets the URL and turns auto-proxy on.
          return [
            command('-setautoproxyurl', service, after.url),
            ...(after.enabled ? [] : [command('-setautoproxystate', service, 'off')]),
          ];
        }
      }
    },
    describeKey(settingKey) {
      const parsed = splitKey(settingKey);
      if (!parsed) return settingKey;
      const what: Record<Kind, string> = {
        bypass: 'bypass domains',
        autoDiscovery: 'auto proxy discovery',
        web: 'web proxy',
        secureWeb: 'secure web proxy',
        autoProxy: 'auto-proxy URL',
      };
      return `${what[parsed.kind]} of "${parsed.service}"`;
    },
    describe(settings) {
      return services(settings)
        .map((service) => {
          const parts: string[] = [];
          const auto = asAutoProxy(settings[key('autoProxy', service)] ?? null);
          if (auto.enabled) parts.push(`PAC ${auto.url || '(no URL)'}`);
          if (settings[key('autoDiscovery', service)] === true) parts.push('auto discovery');
          for (const [kind, label] of [
            ['web', 'web'],
            ['secureWeb', 'secure web'],
          ] as const) {
            const proxy = asProxy(settings[key(kind, service)] ?? null);
            if (proxy.enabled) parts.push(`${label} ${proxy.server}:${proxy.port}`);
          }
          const bypass = settings[key('bypass', service)] ?? null;
          if (parts.length > 0 && isStringArray(bypass) && bypass.length > 0)
            parts.push(`bypass ${bypass.join(', ')}`);
          return `${service}: ${parts.length > 0 ? parts.join(', ') : 'none (direct)'}`;
        })
        .join('; ');
    },
    isKey: (settingKey) => splitKey(settingKey) !== undefined,
    isValue(settingKey, value) {
      const parsed = splitKey(settingKey);
      if (!parsed) return false;
      if (parsed.kind === 'bypass') return isStringArray(value);
      if (parsed.kind === 'autoDiscovery') return typeof value === 'boolean';
      return isRecordValue(value);
    },
  };
}
