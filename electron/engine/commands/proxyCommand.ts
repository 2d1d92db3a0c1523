/**
 * `netlens proxy` — the capture proxy, headless (DESIGN.md, "The command line"). A thin client of
 * createEngine(): it starts the engine, prints what finishes (terse lines, or NDJSON with
 * --json), and on SIGINT/SIGTERM writes the HAR (with --har), closes the engine and exits 0.
 */
import { access, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Engine, EngineOptions } from '../engine.js';
import type { EngineEvent } from '../../../shared/api.js';
import type { Exchange } from '../../../shared/model.js';
import type { Settings } from '../../../shared/settings.js';
import type { HarDocument } from '../../../shared/har.js';
import { EXIT_USAGE } from '../../../shared/errors.js';
import { CliError } from './cliError.js';
import { exchangeLine, listeningLine, proxyUrl, retryLine, type NdjsonLine } from './ndjsonExchange.js';
import { terseExchangeLine, terseRetryLine } from './terseExchangeLine.js';
import type { ListeningSocket } from '../system/listeningSockets.js';

export const DEFAULT_PROXY_PORT = 8899;
export const DEFAULT_PROXY_HOST = '127.0.0.1';

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
}

/** What runProxy needs from the outside world; the command wires the real ones. */
export interface ProxyCommandDeps {
  createEngine(options: EngineOptions): Promise<Engine>;
  redactExchange(exchange: Exchange): Exchange;
  findPortOwner(port: number, host?: string): Promise<ListeningSocket | undefined>;
  /** Line writers; each call is one whole line without its newline. */
  out(line: string): void;
  err(line: string): void;
  /** Calls `handler` once on the first shutdown signal; returns the unsubscribe function. */
  onShutdownSignal(handler: (signal: string) => void): () => void;
}

// ───────────────────────────── option parsing ─────────────────────────────

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

function collectHost(value: string, previous: string[]): string[] {
  const host = value.trim();
  if (host === '' || /[\s/]/.test(host)) {
    throw new InvalidArgumentError(`"${value}" is not a host name (e.g. api.example.com or *.example.com).`);
  }
  return [...previous, host];
}

/** The settings the flags override for this run (never persisted). */
export function settingsOverrides(options: ProxyCommandOptions): Partial<Settings> {
  const settings: Partial<Settings> = {};
  if (options.connectTimeoutMs !== undefined) settings.connectTimeoutMs = options.connectTimeoutMs;
  if (options.responseTimeoutMs !== undefined) settings.responseTimeoutMs = options.responseTimeoutMs;
  if (options.bodyTimeoutMs !== undefined) settings.bodyIdleTimeoutMs = options.bodyTimeoutMs;
  if (options.passThrough.length > 0) settings.passThroughHosts = options.passThrough;
  if (options.insecure.length > 0) settings.insecureHosts = options.insecure;
  return settings;
}

// ───────────────────────────── errors ─────────────────────────────

function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAddressInUse(error: unknown): boolean {
  if (errorCode(error) === 'EADDRINUSE') return true;
  return error instanceof Error && /EADDRINUSE|address already in use|already in use/i.test(error.message);
}

export function portInUseMessage(host: string, port: number, owner: ListeningSocket | undefined): string {
  const where = `Port ${port} on ${host} is already in use`;
  const fix = 'Stop it or choose another port with --port (0 picks a free one).';
  if (owner?.pid !== undefined) {
    const who = owner.command ? `${owner.command} (pid ${owner.pid})` : `pid ${owner.pid}`;
    return `${where} by ${who}. ${fix}`;
  }
  return `${where} (the OS did not say by which process). Choose another port with --port (0 picks a free one).`;
}

async function startError(
  error: unknown,
  options: ProxyCommandOptions,
  deps: ProxyCommandDeps,
): Promise<CliError> {
  const { host, port } = options;
  if (isAddressInUse(error)) {
    const owner = await deps.findPortOwner(port, host).catch(() => undefined);
    return new CliError(portInUseMessage(host, port, owner), 1, { cause: error });
  }
  const code = errorCode(error);
  const target = proxyUrl(host, port);
  if (code === 'EACCES') {
    return new CliError(
      `Not allowed to listen on ${target}: ports below 1024 need privileges. Use --port 8899.`,
      1,
      {
        cause: error,
      },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(
      `Cannot listen on ${target}: ${host} is not an address of this machine. Check --host.`,
      1,
      {
        cause: error,
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(`Cannot start the proxy on ${target}: ${reason}`, 1, { cause: error });
}

// ───────────────────────────── HAR ─────────────────────────────

/** Fails early, before any traffic is captured, when the HAR could not be written at the end. */
async function checkHarTarget(file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    throw new CliError(
      `Cannot write the HAR to ${file}: the folder ${dir} does not exist or is not writable.`,
      EXIT_USAGE,
    );
  }
}

/**
 * The HAR text in pieces: the log's own fields, then one entry per line. A long session never
 * becomes one string (V8 caps a string's length well below what 100 000 entries with bodies
 * can take), and the file stays valid JSON that `grep` can still read entry by entry.
 */
export function* harChunks(har: HarDocument): Generator<string> {
  const { entries, ...log } = har.log;
  const head = JSON.stringify({ log: { ...log, entries: [] } });
  // `{"log":{...,"entries":[]}}`: cut after `[` and close after the entries.
  const prefix = head.slice(0, head.length - '[]}}'.length + 1);
  yield `${prefix}\n`;
  for (let index = 0; index < entries.length; index += 1) {
    yield `${JSON.stringify(entries[index])}${index < entries.length - 1 ? ',' : ''}\n`;
  }
  yield ']}}\n';
}

/** Writes next to the target, then renames: a reader never sees half a HAR. */
async function writeHarAtomically(file: string, har: HarDocument): Promise<void> {
  const tempDir = await mkdtemp(path.join(path.dirname(file), `.${path.basename(file)}.`));
  const temp = path.join(tempDir, 'partial');
  try {
    const handle = await open(temp, 'w');
    try {
      let batch = '';
      for (const chunk of harChunks(har)) {
        batch += chunk;
        if (batch.length >= 1024 * 1024) {
          await handle.write(batch);
          batch = '';
        }
      }
      if (batch !== '') await handle.write(batch);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

// ───────────────────────────── the run ─────────────────────────────

/** Runs the proxy until a shutdown signal; resolves with the exit code. */
export async function runProxy(options: ProxyCommandOptions, deps: ProxyCommandDeps): Promise<number> {
  if (options.har) await checkHarTarget(options.har);

  // Subscribe before anything can arrive: a signal during start-up still shuts down cleanly.
  let signalled: (signal: string) => void = () => {};
  const shutdown = new Promise<string>((resolve) => (signalled = resolve));
  const unsubscribeSignal = deps.onShutdownSignal((signal) => signalled(signal));

  const engine = await deps.createEngine({
    dataDir: options.dataDir,
    host: options.host,
    port: options.port,
    settings: settingsOverrides(options),
  });

  const present = (exchange: Exchange): Exchange =>
    options.redact ? deps.redactExchange(exchange) : exchange;
  const emit = (line: NdjsonLine): void => deps.out(JSON.stringify(line));
  // Retry info already printed per exchange, so an `exchange:updated` prints only what is new.
  const printedRetry = new Map<string, string>();
  const retryKey = (exchange: Exchange): string =>
    exchange.retry ? `${exchange.retry.chainId}#${exchange.retry.attempt}` : '';

  const onEvent = (event: EngineEvent): void => {
    try {
      if (event.type === 'exchange:finished') {
        const exchange = present(event.exchange);
        printedRetry.set(exchange.id, retryKey(exchange));
        if (options.json) emit(exchangeLine(exchange));
        else deps.out(terseExchangeLine(exchange));
      } else if (event.type === 'exchange:updated') {
        const { exchange } = event;
        const printed = printedRetry.get(exchange.id);
        if (printed === undefined || !exchange.retry || printed === retryKey(exchange)) return;
        printedRetry.set(exchange.id, retryKey(exchange));
        if (options.json) emit(retryLine(exchange.id, exchange.retry));
        else deps.out(terseRetryLine(present(exchange), exchange.id, exchange.retry));
      } else if (event.type === 'exchanges:cleared') {
        printedRetry.clear();
      } else if (event.type === 'notice') {
        deps.err(`netlens: ${event.level}: ${event.message}`);
      }
    } catch (error) {
      // A formatting bug must not stop the capture: say so and go on.
      deps.err(
        `netlens: could not print an event: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const unsubscribeEvents = engine.on(onEvent);

  try {
    await engine.start();
  } catch (error) {
    unsubscribeEvents();
    unsubscribeSignal();
    await engine.close().catch(() => undefined);
    throw await startError(error, options, deps);
  }

  const address = engine.address() ?? { host: options.host, port: options.port };
  const url = proxyUrl(address.host, address.port);
  if (options.json) {
    emit(listeningLine(url, engine.caCertPath));
  } else {
    deps.out(`NetLens proxy listening on ${url}`);
    deps.out(`CA certificate: ${engine.caCertPath}`);
    deps.err(
      options.har
        ? `Press Ctrl-C to stop; the session is then written to ${options.har}.`
        : 'Press Ctrl-C to stop.',
    );
  }

  await shutdown;
  unsubscribeSignal();

  let exitCode = 0;
  if (options.har) {
    try {
      const har = await engine.exportHar({ redact: options.redact });
      await writeHarAtomically(options.har, har);
      deps.err(`Wrote ${har.log.entries.length} entries to ${options.har}`);
    } catch (error) {
      exitCode = 1;
      deps.err(
        `netlens: could not write the HAR to ${options.har}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  unsubscribeEvents();
  try {
    await engine.close();
  } catch (error) {
    deps.err(`netlens: closing the proxy failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return exitCode;
}

// ───────────────────────────── wiring ─────────────────────────────

/** stdout that survives a closed reader (`netlens proxy --json | head -1`): lines are dropped, the proxy runs on. */
function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let broken = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') broken = true;
  });
  return (line) => {
    if (!broken) stream.write(`${line}\n`);
  };
}

function processShutdownSignal(handler: (signal: string) => void): () => void {
  const signals: NodeJS.Signals[] =
    process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      // A second Ctrl-C while the HAR is being written: the user wants out now.
      process.stderr.write(`netlens: ${signal} again, exiting without finishing.\n`);
      process.exit(130);
    }
    received = true;
    handler(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  // The listeners stay until exit so that a second signal is still handled, not fatal by default.
  return () => undefined;
}

async function flush(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

export function registerProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('run the capture proxy headless; print each finished exchange; write a HAR on exit')
    .option('--port <n>', 'port to listen on (0 picks a free port)', parsePort, DEFAULT_PROXY_PORT)
    .option('--host <host>', 'address to listen on', DEFAULT_PROXY_HOST)
    .option('--har <file>', 'write the session as HAR 1.2 to FILE on Ctrl-C / SIGTERM')
    .option('--redact', 'hide secrets (Authorization, cookies, tokens, keys) in everything written')
    .option('--json', 'NDJSON on stdout: a "listening" line, then one line per finished exchange')
    .option('--connect-timeout-ms <ms>', 'upstream TCP connect timeout', parseTimeoutMs)
    .option('--response-timeout-ms <ms>', 'request sent → response headers timeout', parseTimeoutMs)
    .option('--body-timeout-ms <ms>', 'longest silence allowed mid-body', parseTimeoutMs)
    .option(
      '--pass-through <host>',
      'tunnel HOST without TLS interception (repeatable, *.suffix ok)',
      collectHost,
      [],
    )
    .option('--insecure <host>', 'do not verify the certificate of HOST (repeatable)', collectHost, [])
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  netlens proxy --har session.har',
        '  curl -x http://127.0.0.1:8899 --cacert "$(netlens ca)" https://example.com/',
        '  netlens proxy --port 0 --json | jq -c \'select(.type=="exchange" and .error)\'',
      ].join('\n'),
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{
        dataDir?: string;
        port: number;
        host: string;
        har?: string;
        redact?: boolean;
        json?: boolean;
        connectTimeoutMs?: number;
        responseTimeoutMs?: number;
        bodyTimeoutMs?: number;
        passThrough: string[];
        insecure: string[];
      }>();
      const [{ createEngine }, { redactExchange }, { findPortOwner }, { resolveDataDir }] = await Promise.all(
        [
          import('../engine.js'),
          import('../capture/redaction.js'),
          import('../system/listeningSockets.js'),
          import('../system/dataDir.js'),
        ],
      );
      const host = flags.host.trim() === '' ? DEFAULT_PROXY_HOST : flags.host.trim().replace(/^\[|\]$/g, '');
      const exitCode = await runProxy(
        {
          dataDir: resolveDataDir(flags.dataDir),
          host,
          port: flags.port,
          ...(flags.har ? { har: path.resolve(flags.har) } : {}),
          redact: flags.redact === true,
          json: flags.json === true,
          ...(flags.connectTimeoutMs !== undefined ? { connectTimeoutMs: flags.connectTimeoutMs } : {}),
          ...(flags.responseTimeoutMs !== undefined ? { responseTimeoutMs: flags.responseTimeoutMs } : {}),
          ...(flags.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: flags.bodyTimeoutMs } : {}),
          passThrough: flags.passThrough,
          insecure: flags.insecure,
        },
        {
          createEngine,
          redactExchange,
          findPortOwner,
          out: lineWriter(process.stdout),
          err: (line) => process.stderr.write(`${line}\n`),
          onShutdownSignal: processShutdownSignal,
        },
      );
      await flush(process.stdout);
      process.exit(exitCode);
    });
}
