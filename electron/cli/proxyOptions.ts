/**
 * The options of the capture proxy, defined once for `netlens proxy` and `netlens web` (and the
 * web-mode fallback of `netlens`), so both commands accept exactly the same input. Only the
 * proxy's own port differs: `--port` for `netlens proxy`, `--proxy-port` for web mode, where
 * `--port` is the UI's.
 */
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { unbracketHost } from '../../shared/address.js';
import type { Settings } from '../../shared/settings.js';
import {
  SETTING_KEYS,
  SETTINGS_SCHEMA,
  checkSetting,
  parseSettingText,
  rangeText,
  type SettingKey,
} from '../../shared/settingsSchema.js';

/** The options of `netlens proxy` (and the proxy part of `netlens web`), resolved from the flags. */
export interface ProxyCommandOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Absolute path of the HAR to write on shutdown. */
  har?: string;
  redact: boolean;
  json: boolean;
  /** The settings the flags override for this run (never persisted). */
  settings: Partial<Settings>;
  /** Point the OS proxy setting at this NetLens while it runs (restored on exit). */
  systemProxy?: 'manual' | 'pac';
  /** Absolute path of the rules file (`--rules`), read and watched (docs/rules.md). */
  rules?: string;
  /** Serve the toxiproxy-compatible API here (`--toxiproxy-api [HOST:]PORT`, docs/toxiproxy.md). */
  toxiproxyApi?: { host: string; port: number };
  /** Reopen this saved session and record on into it (`netlens web --session ID`). */
  session?: string;
  /** Exchanges kept in memory (`--max-exchanges`); the oldest are dropped from the list first. */
  maxExchanges?: number;
}

export const DEFAULT_PROXY_PORT = 8899;
export const DEFAULT_PROXY_HOST = '127.0.0.1';

export interface SharedProxyFlags {
  dataDir?: string;
  host: string;
  har?: string;
  redact?: boolean;
  json?: boolean;
  /** `--system-proxy [mode]`: true without a mode. */
  systemProxy?: boolean | string;
  rules?: string;
  toxiproxyApi?: { host: string; port: number };
  maxExchanges?: number;
  /** The setting flags, by commander's camel-cased name (`--body-timeout-ms` → bodyTimeoutMs). */
  [settingFlag: string]: unknown;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free port).');
  }
  return port;
}

export const DEFAULT_MAX_EXCHANGES = 100_000;

/** `--max-exchanges N`: at least 1,000 (a list shorter than a screenful of bursts is no use). */
export function parseMaxExchanges(value: string): number {
  const count = Number(value.replace(/_/g, ''));
  if (
    !/^\d[\d_]*$/.test(value.trim()) ||
    !Number.isSafeInteger(count) ||
    count < 1000 ||
    count > 10_000_000
  ) {
    throw new InvalidArgumentError(
      'the number of exchanges kept in memory is a whole number from 1000 to 10000000.',
    );
  }
  return count;
}

/** Commander's attribute name of a flag: `--body-timeout-ms` → `bodyTimeoutMs`. */
function attributeOf(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A setting flag's value, read with the schema's rule (the settings file and the API apply the same). */
export function parseSettingFlag(key: SettingKey, text: string): number | string {
  const parsed = parseSettingText(key, text);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}.`);
  return parsed.value;
}

/** Adds one option per setting that has a flag: `--connect-timeout-ms <ms>`, `--pass-through <host>`... */
function addSettingOptions(command: Command): Command {
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS_SCHEMA[key];
    if (spec.flag === undefined) continue;
    if (spec.type === 'integer') {
      command.option(
        `${spec.flag} <${spec.unit}>`,
        `${spec.summary} (${rangeText(spec)}; default ${spec.default})`,
        (text: string) => parseSettingFlag(key, text),
      );
    } else {
      command.option(
        `${spec.flag} <host>`,
        `${spec.summary} (repeatable; *.example.com covers its sub-domains)`,
        (text: string, previous: string[] | undefined) => [
          ...(previous ?? []),
          parseSettingFlag(key, text) as string,
        ],
      );
    }
  }
  return command;
}

/** The settings given as flags; the schema checks the whole value again (a host list's length). */
export function settingsFromFlags(flags: SharedProxyFlags): Partial<Settings> {
  const settings: Partial<Settings> = {};
  for (const key of SETTING_KEYS) {
    const flag = SETTINGS_SCHEMA[key].flag;
    if (flag === undefined) continue;
    const value = flags[attributeOf(flag)];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const checked = checkSetting(key, value);
    if (!checked.ok) throw new InvalidArgumentError(`${flag}: ${checked.problem}.`);
    (settings as Record<string, unknown>)[key] = checked.value;
  }
  return settings;
}

/** The help of the options whose wording depends on the command. */
export interface SharedProxyOptionsHelp {
  host: string;
  json: string;
}

export function parseSystemProxyMode(value: string): 'manual' | 'pac' {
  if (value !== 'manual' && value !== 'pac') {
    throw new InvalidArgumentError('the mode is "manual" (the default) or "pac".');
  }
  return value;
}

/** toxiproxy's own default port, as its clients assume. */
export const DEFAULT_TOXIPROXY_API_PORT = 8474;

/** `--toxiproxy-api [HOST:]PORT`: loopback unless a host is given (the API controls faults). */
export function parseToxiproxyApi(value: string): { host: string; port: number } {
  const text = value.trim();
  const colon = text.lastIndexOf(':');
  const hostText = colon === -1 ? '' : text.slice(0, colon);
  const portText = colon === -1 ? text : text.slice(colon + 1);
  if (!/^\d+$/.test(portText)) {
    throw new InvalidArgumentError(`expected [HOST:]PORT (toxiproxy's own is 8474), got "${value}".`);
  }
  return { host: normaliseHost(hostText), port: parsePort(portText) };
}

/** Adds every capture-proxy option except the proxy's port (each command names that its own way). */
export function addSharedProxyOptions(command: Command, help: SharedProxyOptionsHelp): Command {
  return addSettingOptions(
    command
      .option('--host <host>', help.host, DEFAULT_PROXY_HOST)
      .option('--har <file>', 'write the session as HAR 1.2 to FILE on Ctrl-C / SIGTERM')
      .option('--redact', 'hide secrets (Authorization, cookies, tokens, keys) in everything written')
      .option('--json', help.json)
      .option(
        '--system-proxy [mode]',
        'point the OS proxy setting here while running, restored on exit (mode: manual or pac)',
        parseSystemProxyMode,
      )
      .option(
        '--rules <file>',
        'apply the HTTP rules (latency, faults, mocks, rewrites) in this JSON file; reloaded when it changes',
      )
      .option(
        '--toxiproxy-api <[host:]port>',
        "serve toxiproxy's HTTP API here (TCP proxies with toxics); toxiproxy's own port is 8474",
        parseToxiproxyApi,
      )
      .option(
        '--max-exchanges <n>',
        `exchanges kept in memory; older ones leave the list and stay in the session on disk (default ${DEFAULT_MAX_EXCHANGES})`,
        parseMaxExchanges,
      ),
  );
}

/** Web mode's proxy options: `--proxy-port`, then every `netlens proxy` option except its `--port`. */
export function addProxyOptions(command: Command): Command {
  return addSharedProxyOptions(
    command.option(
      '--proxy-port <n>',
      'port of the capture proxy (0 picks a free port)',
      parsePort,
      DEFAULT_PROXY_PORT,
    ),
    {
      host: 'address the proxy listens on',
      json: 'NDJSON on stdout: a "listening" line (with "ui"), then one line per finished exchange',
    },
  );
}

export function normaliseHost(host: string): string {
  const trimmed = host.trim();
  return trimmed === '' ? DEFAULT_PROXY_HOST : unbracketHost(trimmed);
}

/** What runProxy is given for the parsed flags; `port` is the proxy's, whatever the flag's name. */
export function proxyOptionsFromFlags(
  flags: SharedProxyFlags,
  port: number,
  dataDir: string,
): ProxyCommandOptions {
  return {
    dataDir,
    host: normaliseHost(flags.host),
    port,
    ...(flags.har ? { har: path.resolve(flags.har) } : {}),
    redact: flags.redact === true,
    json: flags.json === true,
    settings: settingsFromFlags(flags),
    ...(flags.systemProxy ? { systemProxy: flags.systemProxy === 'pac' ? 'pac' : 'manual' } : {}),
    ...(flags.rules ? { rules: path.resolve(flags.rules) } : {}),
    ...(flags.toxiproxyApi ? { toxiproxyApi: flags.toxiproxyApi } : {}),
    ...(flags.maxExchanges !== undefined ? { maxExchanges: flags.maxExchanges } : {}),
  };
}
