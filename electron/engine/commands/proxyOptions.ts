/**
 * The options `netlens web` (and the web-mode fallback of `netlens`) share with `netlens
 * proxy`. The proxy's own port is `--proxy-port` here, since `--port` is the UI's.
 * Parsing of values reuses proxyCommand.ts so both commands accept exactly the same input.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_PROXY_HOST, DEFAULT_PROXY_PORT, parsePort, parseTimeoutMs } from './proxyCommand.js';

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
}

export function collectHostPattern(value: string, previous: string[]): string[] {
  const host = value.trim();
  if (host === '' || /[\s/]/.test(host)) {
    throw new InvalidArgumentError(`"${value}" is not a host name (e.g. api.example.com or *.example.com).`);
  }
  return [...previous, host];
}

/** Adds `--proxy-port` and every `netlens proxy` option except its `--port`. */
export function addProxyOptions(command: Command): Command {
  return command
    .option(
      '--proxy-port <n>',
      'port of the capture proxy (0 picks a free port)',
      parsePort,
      DEFAULT_PROXY_PORT,
    )
    .option('--host <host>', 'address the proxy listens on', DEFAULT_PROXY_HOST)
    .option('--har <file>', 'write the session as HAR 1.2 to FILE on Ctrl-C / SIGTERM')
    .option('--redact', 'hide secrets (Authorization, cookies, tokens, keys) in everything written')
    .option('--json', 'NDJSON on stdout: a "listening" line (with "ui"), then one line per finished exchange')
    .option('--connect-timeout-ms <ms>', 'upstream TCP connect timeout', parseTimeoutMs)
    .option('--response-timeout-ms <ms>', 'request sent → response headers timeout', parseTimeoutMs)
    .option('--body-timeout-ms <ms>', 'longest silence allowed mid-body', parseTimeoutMs)
    .option(
      '--pass-through <host>',
      'tunnel HOST without TLS interception (repeatable, *.suffix ok)',
      collectHostPattern,
      [],
    )
    .option(
      '--insecure <host>',
      'do not verify the certificate of HOST (repeatable)',
      collectHostPattern,
      [],
    );
}

export function normaliseHost(host: string): string {
  const trimmed = host.trim();
  return trimmed === '' ? DEFAULT_PROXY_HOST : trimmed.replace(/^\[|\]$/g, '');
}
