/**
 * `netlens web` (DESIGN.md, "The command line"): the capture proxy of `netlens proxy` plus the
 * UI served to a browser on 127.0.0.1, behind a random token. It runs the proxy command's own
 * loop (runProxy: output, HAR on exit, signals, port errors) with an engine whose lifetime
 * includes the web server, and adds the UI's URL to what the proxy prints.
 */
import type { Command } from 'commander';
import type { Engine, EngineOptions } from '../engine/engine.js';
import { CliError } from './cliError.js';
import { runProxy, type ProxyCommandDeps, type ProxyCommandOptions } from './proxyCommand.js';
import { listeningLine, type NdjsonListening } from './ndjsonExchange.js';
import { addProxyOptions, parsePort, proxyOptionsFromFlags, type SharedProxyFlags } from './proxyOptions.js';
import { errorCode } from './errorCode.js';
import { flush, lineWriter } from './lineWriter.js';
import { onProcessShutdownSignal } from './shutdownSignals.js';
import type { WebServer } from '../engine/web/webServer.js';

export const DEFAULT_UI_PORT = 0;

export interface WebCommandOptions extends ProxyCommandOptions {
  /** Port of the UI server (0: a free one). */
  uiPort: number;
}

export interface WebCommandDeps extends ProxyCommandDeps {
  /** Starts the UI server for this engine (the real one: startWebServer with the API dispatcher). */
  startUi(engine: Engine, port: number): Promise<WebServer>;
}

function uiStartError(error: unknown, port: number): CliError {
  if (errorCode(error) === 'EADDRINUSE') {
    return new CliError(
      `UI port ${port} on 127.0.0.1 is already in use. Choose another with --port (0 picks a free one).`,
      1,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(`Cannot start the NetLens UI server: ${reason}`, 1, { cause: error });
}

/** The engine, with close() also closing the UI server first (so pages see a clean goodbye). */
function withUiServer(engine: Engine, web: WebServer): Engine {
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'close') {
        return async () => {
          await web.close().catch(() => undefined);
          await target.close();
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Runs web mode until a shutdown signal; resolves with the exit code. */
export async function runWeb(options: WebCommandOptions, deps: WebCommandDeps): Promise<number> {
  let web: WebServer | undefined;
  const createEngine = async (engineOptions: EngineOptions): Promise<Engine> => {
    const engine = await deps.createEngine({
      ...engineOptions,
      mode: 'web',
      runMonitors: true,
      // Without --rules, the app's own rules (DATA/rules.json), as the Rules view edits them.
      rules: engineOptions.rules ?? 'app',
      systemProxy: { ...engineOptions.systemProxy, ownerName: 'netlens web' },
    });
    try {
      web = await deps.startUi(engine, options.uiPort);
    } catch (error) {
      await engine.close().catch(() => undefined);
      throw uiStartError(error, options.uiPort);
    }
    await engine.announceUi(web.uiUrl);
    return withUiServer(engine, web);
  };
  // The proxy's lines are the contract of `netlens proxy`; web mode adds the UI to them.
  const out = (line: string): void => {
    if (options.json && web && line.startsWith('{"type":"listening"')) {
      const parsed = JSON.parse(line) as NdjsonListening;
      deps.out(
        JSON.stringify(listeningLine(parsed.proxy, parsed.caCert, web.uiUrl, parsed.proxyPassword, parsed)),
      );
      return;
    }
    deps.out(line);
    if (!options.json && web && line.startsWith('CA certificate: ')) deps.out(`NetLens UI at ${web.uiUrl}`);
  };
  try {
    return await runProxy(options, { ...deps, createEngine, out });
  } catch (error) {
    // The proxy's advice names its own flag; here the proxy's port is --proxy-port.
    if (
      error instanceof CliError &&
      error.message.includes('with --port') &&
      !error.message.startsWith('UI port')
    ) {
      throw new CliError(error.message.replace('with --port', 'with --proxy-port'), error.exitCode, {
        cause: error.cause,
      });
    }
    throw error;
  }
}

/** Wires the real engine, web server and process I/O, then runs web mode; exits the process. */
export async function runWebFromCli(options: WebCommandOptions): Promise<never> {
  const [
    { createEngine },
    { redactExchange },
    { findPortOwner },
    { startWebServer },
    { createApiDispatcher },
    { findRendererDir },
  ] = await Promise.all([
    import('../engine/engine.js'),
    import('../engine/capture/redaction.js'),
    import('../engine/system/listeningSockets.js'),
    import('../engine/web/webServer.js'),
    import('../engine/api/apiHandlers.js'),
    import('../engine/web/rendererDir.js'),
  ]);
  const exitCode = await runWeb(options, {
    createEngine,
    redactExchange,
    findPortOwner,
    startUi: (engine, port) =>
      startWebServer({
        dispatch: createApiDispatcher(engine),
        subscribe: (listener) => engine.on(listener),
        staticDir: findRendererDir(),
        port,
      }),
    out: lineWriter(process.stdout),
    err: (line) => process.stderr.write(`${line}\n`),
    onShutdownSignal: onProcessShutdownSignal,
  });
  await flush(process.stdout);
  process.exit(exitCode);
}

export interface WebFlags extends SharedProxyFlags {
  port: number;
  proxyPort: number;
  session?: string;
}

export async function webOptionsFromFlags(flags: WebFlags): Promise<WebCommandOptions> {
  const { resolveDataDir } = await import('../engine/system/dataDir.js');
  return {
    ...proxyOptionsFromFlags(flags, flags.proxyPort, resolveDataDir(flags.dataDir)),
    ...(flags.session ? { session: flags.session } : {}),
    uiPort: flags.port,
  };
}

export function registerWebCommand(program: Command): void {
  const command = program
    .command('web')
    .description(
      'run the capture proxy and serve the NetLens UI to your browser (127.0.0.1, token-protected)',
    )
    .option(
      '--port <n>',
      'port of the UI server (0, the default, picks a free port)',
      parsePort,
      DEFAULT_UI_PORT,
    )
    .option('--session <id>', 'open this saved session (netlens sessions list) and record on into it');
  addProxyOptions(command)
    .addHelpText(
      'after',
      [
        '',
        'Open the printed "NetLens UI at http://127.0.0.1:PORT/?token=..." URL; without the token the',
        'server answers 401. Anyone who can read that URL can use NetLens: do not share it.',
        '',
        'Examples:',
        '  netlens web',
        '  netlens web --port 9000 --proxy-port 8899 --har session.har',
        '  netlens web --session 20261207-115310-k3f9',
      ].join('\n'),
    )
    .action(async (_flags: unknown, cmd: Command) => {
      await runWebFromCli(await webOptionsFromFlags(cmd.optsWithGlobals<WebFlags>()));
    });
}
