/**
 * How a command finds the proxy to point clients at (DESIGN.md, Interception): `--proxy
 * HOST:PORT` when given, else the running NetLens of the data directory (`running.json`), else
 * 127.0.0.1:8899. With a running NetLens, the command can also ask it for things (a source port
 * of its own for a browser or a shell) through its control endpoint.
 */
import http from 'node:http';
import { isLoopbackHost, unbracketHost, urlOf } from '../../shared/address.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { readRunningFile, type RunningInfo } from '../engine/system/runningFile.js';
import { CliError } from './cliError.js';
import { DEFAULT_PROXY_HOST, DEFAULT_PROXY_PORT } from './proxyOptions.js';

export interface ProxyTarget {
  host: string;
  port: number;
  /** `http://HOST:PORT`, IPv6 hosts in brackets. */
  url: string;
  /** The running NetLens this proxy belongs to, when it was found through running.json. */
  running?: RunningInfo;
  /** Why running.json was not used, when it exists but is stale or broken (for a warning). */
  problem?: string;
}

/** Parses `HOST:PORT`, `[v6]:PORT` or `http://HOST:PORT`; a usage error (exit 2) otherwise. */
export function parseProxyFlag(value: string): { host: string; port: number } {
  const text = value
    .trim()
    .replace(/^http:\/\//i, '')
    .replace(/\/$/, '');
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/\s]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError(`--proxy must be HOST:PORT (e.g. 127.0.0.1:8899), got "${value}".`, EXIT_USAGE);
  }
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port };
}

export function resolveProxyTarget(dataDir: string, flag?: string): ProxyTarget {
  const lookup = readRunningFile(dataDir);
  if (flag !== undefined) {
    const { host, port } = parseProxyFlag(flag);
    const target: ProxyTarget = { host, port, url: urlOf('http', host, port) };
    // The flag may name the running NetLens itself: then its control endpoint is usable too.
    if (lookup.info) {
      const running = new URL(lookup.info.proxy);
      const runningHost = unbracketHost(running.hostname);
      if (Number(running.port) === port && (runningHost === host || isAnyLoopback(runningHost, host))) {
        target.running = lookup.info;
      }
    }
    return target;
  }
  if (lookup.info) {
    const running = new URL(lookup.info.proxy);
    const host = unbracketHost(running.hostname);
    const port = Number(running.port);
    return { host, port, url: urlOf('http', host, port), running: lookup.info };
  }
  const target: ProxyTarget = {
    host: DEFAULT_PROXY_HOST,
    port: DEFAULT_PROXY_PORT,
    url: urlOf('http', DEFAULT_PROXY_HOST, DEFAULT_PROXY_PORT),
  };
  if (lookup.problem) target.problem = lookup.problem;
  return target;
}

function isAnyLoopback(a: string, b: string): boolean {
  return isLoopbackHost(a) && isLoopbackHost(b);
}

/** An answer of the control endpoint that is not 200, with its message. */
export class ControlRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Calls the running NetLens's control endpoint (proxy/controlEndpoint.ts). Rejects with a
 * ControlRequestError (its message) for an error answer, or the socket error when unreachable.
 */
export function controlRequest<T>(
  running: RunningInfo,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const proxy = new URL(running.proxy);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: unbracketHost(proxy.hostname),
      port: Number(proxy.port),
      method,
      path,
      agent: false,
      timeout: timeoutMs,
      headers: {
        Authorization: `Bearer ${running.controlToken}`,
        ...(payload !== undefined
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {}),
      },
    });
    req.on('timeout', () =>
      req.destroy(new Error(`NetLens at ${running.proxy} did not answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          reject(
            new ControlRequestError(
              `NetLens at ${running.proxy} answered ${res.statusCode} without JSON`,
              res.statusCode ?? 0,
            ),
          );
          return;
        }
        if (res.statusCode !== 200) {
          const message = (value as { error?: unknown }).error;
          reject(
            new ControlRequestError(
              typeof message === 'string' ? message : `status ${res.statusCode}`,
              res.statusCode ?? 0,
            ),
          );
          return;
        }
        resolve(value as T);
      });
    });
    req.end(payload);
  });
}
