/**
 * GNOME and the desktops that share its proxy setting (Unity, Cinnamon, Budgie, Pantheon, MATE):
 * GSettings `org.gnome.system.proxy` and its `http`/`https` children, read and written with
 * `gsettings`. Chromium, Firefox ("use system proxy settings") and GLib applications follow it.
 * Values are kept as the exact GVariant text gsettings printed, and written back as is.
 */
import type { CommandRunner, SystemCommand } from './systemCommand.js';
import { commandSucceeded, failureText } from './systemCommand.js';
import type { SettingValue, SettingsRecord } from './settingsPlan.js';
import { withLoopback, type NetlensProxyTarget, type ProxyBackend } from './proxyBackend.js';
import {
  formatGVariantString,
  formatGVariantStringArray,
  parseGVariantString,
  parseGVariantStringArray,
} from './gvariantText.js';
import { SystemProxyError } from './systemProxyError.js';

export const GNOME_SCHEMA = 'org.gnome.system.proxy';

/** The keys NetLens reads, and may change, as `child/key` (`''` child: the schema itself). */
const KEYS = [
  'ignore-hosts',
  'http/host',
  'http/port',
  'http/use-authentication',
  'https/host',
  'https/port',
  'autoconfig-url',
  'mode',
] as const;
type GnomeKey = (typeof KEYS)[number];

/** GNOME's own default: what users expect never to go through a proxy. */
export const GNOME_LOOPBACK = ['localhost', '127.0.0.0/8', '::1'];

function schemaAndKey(key: string): { schema: string; name: string } {
  const slash = key.indexOf('/');
  return slash === -1
    ? { schema: GNOME_SCHEMA, name: key }
    : { schema: `${GNOME_SCHEMA}.${key.slice(0, slash)}`, name: key.slice(slash + 1) };
}

/** Parses `gsettings list-recursively org.gnome.system.proxy` into the keys NetLens uses. */
export function parseGsettingsList(output: string): SettingsRecord {
  const values = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const match = /^(org\.gnome\.system\.proxy(?:\.([a-z]+))?) ([a-z-]+) (.*)$/.exec(line.trim());
    if (!match) continue;
    values.set(match[2] ? `${match[2]}/${match[3]}` : match[3]!, match[4]!);
  }
  const record: Record<string, string> = {};
  const missing = KEYS.filter((key) => !values.has(key));
  if (missing.length > 0) {
    throw new SystemProxyError(
      `gsettings did not list ${missing.map((key) => `${GNOME_SCHEMA} ${key.replace('/', ' ')}`).join(', ')}: is the gsettings-desktop-schemas package installed?`,
      'system_proxy_failed',
    );
  }
  for (const key of KEYS) record[key] = values.get(key)!;
  return record;
}

function text(settings: SettingsRecord, key: GnomeKey): string {
  const value = settings[key];
  return typeof value === 'string' ? value : '';
}

function stringOf(settings: SettingsRecord, key: GnomeKey): string {
  return parseGVariantString(text(settings, key)) ?? text(settings, key);
}

export function gnomeBackend(gsettings = 'gsettings'): ProxyBackend {
  return {
    id: 'gnome',
    label: 'GNOME (gsettings)',
    notify: [],
    async read(run: CommandRunner) {
      const command: SystemCommand = { file: gsettings, args: ['list-recursively', GNOME_SCHEMA] };
      const output = await run(command);
      if (!commandSucceeded(command, output)) {
        throw new SystemProxyError(
          `Could not read the GNOME proxy setting: ${failureText(command, output)}. Is a D-Bus session running (DBUS_SESSION_BUS_ADDRESS)?`,
          'system_proxy_failed',
        );
      }
      return parseGsettingsList(output.stdout);
    },
    desired(previous: SettingsRecord, target: NetlensProxyTarget): SettingsRecord {
      if (target.mode === 'pac') {
        return { ...previous, 'autoconfig-url': formatGVariantString(target.pacUrl), mode: "'auto'" };
      }
      const ignore = parseGVariantStringArray(text(previous, 'ignore-hosts')) ?? [];
      const host = formatGVariantString(target.host);
      return {
        ...previous,
        'ignore-hosts': formatGVariantStringArray(withLoopback(ignore, GNOME_LOOPBACK)),
        'http/host': host,
        'http/port': String(target.port),
        // Credentials meant for the previous proxy are not sent to NetLens.
        'http/use-authentication': 'false',
        'https/host': host,
        'https/port': String(target.port),
        mode: "'manual'",
      };
    },
    order: (keys) => KEYS.filter((key) => keys.includes(key)),
    commandsFor(key: string, _from: SettingValue, to: SettingValue): SystemCommand[] {
      const { schema, name } = schemaAndKey(key);
      return [{ file: gsettings, args: ['set', schema, name, String(to)] }];
    },
    describeKey(key) {
      const { schema, name } = schemaAndKey(key);
      return `${schema} ${name}`;
    },
    describe(settings) {
      const mode = stringOf(settings, 'mode');
      if (mode === 'auto') {
        const url = stringOf(settings, 'autoconfig-url');
        return url === '' ? 'automatic (WPAD discovery, no URL)' : `automatic, PAC ${url}`;
      }
      if (mode !== 'manual') return mode === 'none' ? 'none (direct)' : `mode ${mode}`;
      const proxies = (['http', 'https'] as const)
        .map((scheme) => {
          const host = stringOf(settings, `${scheme}/host`);
          return host === '' ? undefined : `${scheme} ${host}:${text(settings, `${scheme}/port`)}`;
        })
        .filter((part) => part !== undefined);
      const ignore = parseGVariantStringArray(text(settings, 'ignore-hosts')) ?? [];
      return `manual: ${proxies.length > 0 ? proxies.join(', ') : 'no HTTP/HTTPS proxy'}; ignore ${ignore.length > 0 ? ignore.join(', ') : 'nothing'}`;
    },
    isKey: (key) => (KEYS as readonly string[]).includes(key),
    isValue: (_key, value) => typeof value === 'string',
  };
}
