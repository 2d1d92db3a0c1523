/**
 * The options of the capture proxy, defined once for `netlens proxy` and `netlens web` (and the
 * web-mode fallback of `netlens`), so both commands accept exactly the same input. Only the
 * proxy's own port differs: `--port` for `netlens proxy`, `--proxy-port` for web mode, where
 * `--port` is the UI's.
 */
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';

/** The options of `netlens proxy` (and the proxy part of `netlens web`), resolved from the flags. */
export interface ProxyCommandOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Absolute path of the HAR to write on shutdown. */
  har?: string;
  redact: boolean;
  json: boolean;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  bodyTimeoutMs?: number;
  passThrough: string[];
  insecure: string[];
  /** Point the OS proxy setting at this NetLens while it runs (restored on exit). */
  systemProxy?: 'manual' | 'pac';
}

export const DEFAULT_PROXY_PORT = 8899;
export const DEFAULT_PROXY_HOST = '127.0.0.1';

export interface SharedProxyFlags {
  dataDir?: string;
  host: string;
  har?: string;
  redact?: boolean;
  json?: boolean;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  bodyTimeoutMs?: number;
  passThrough: string[];
  insecure: string[];
  systemProxy?: boolean | string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free port).');
  }
  return port;
}

export function parseTimeoutMs(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError('a timeout is a whole number of milliseconds greater than 0.');
  }
  return ms;
}

export function parseSystemProxyMode(value: string): 'manual' | 'pac' {
  if (value !== 'manual' && value !== 'pac') {
    throw new InvalidArgumentError('the mode is "manual" (the default) or "pac".');
  }
  return value;
}

export function collectHostPattern(value: string, previous: string[]): string[] {
  const host = value.trim();
  if (host === '' || /[\s/]/.test(host)) {
    throw new InvalidArgumentError(`"${value}" is not a host name (e.g. api.example.com or *.example.com).`);
  }
  return [...previous, host];
}

/** The help of the options whose wording depends on the command. */
export interface SharedProxyOptionsHelp {
  host: string;
  json: string;
}

/** Adds every capture-proxy option except the proxy's port (each command names that its own way). */
export function addSharedProxyOptions(command: Command, help: SharedProxyOptionsHelp): Command {
  return command
    .option('--host <host>', help.host, DEFAULT_PROXY_HOST)
    .option('--har <file>', 'write the session as HAR 1.2 to FILE on Ctrl-C / SIGTERM')
    .option('--redact', 'hide secrets (Authorization, cookies, tokens, keys) in everything written')
    .option('--json', help.json)
    .option('--connect-timeout-ms <ms>', 'upstream TCP connect timeout', parseTimeoutMs)
    .option('--response-timeout-ms <ms>', 'request sent → response headers timeout', parseTimeoutMs)
    .option('--body-timeout-ms <ms>', 'longest silence allowed mid-body', parseTimeoutMs)
    .option(
      '--pass-through <host>',
      'tunnel HOST without TLS interception (repeatable, *.suffix ok)',
      collectHostPattern,
      [],
    )
    .option('--insecure <host>', 'do not verify the certificate of HOST (repeatable)', collectHostPattern, [])
    .option(
      '--system-proxy [mode]',
      'point the OS proxy setting here while running, restored on exit (mode: manual or pac)',
      parseSystemProxyMode,
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
  return trimmed === '' ? DEFAULT_PROXY_HOST : trimmed.replace(/^\[|\]$/g, '');
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
    ...(flags.connectTimeoutMs !== undefined ? { connectTimeoutMs: flags.connectTimeoutMs } : {}),
    ...(flags.responseTimeoutMs !== undefined ? { responseTimeoutMs: flags.responseTimeoutMs } : {}),
    ...(flags.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: flags.bodyTimeoutMs } : {}),
    passThrough: flags.passThrough,
    insecure: flags.insecure,
    ...(flags.systemProxy ? { systemProxy: flags.systemProxy === 'pac' ? 'pac' : 'manual' } : {}),
  };
}
