/**
 * `netlens browser [URL] [--browser NAME|PATH] [--proxy HOST:PORT] [--headless]` (DESIGN.md,
 * Interception): starts a browser in a throw-away profile that goes through NetLens and trusts
 * its CA, prints one line (`NetLens browser: NAME pid PID profile DIR`), and exits when the
 * browser does, with the browser's exit code (128 + the signal number if a signal ended it);
 * SIGINT/SIGTERM stop the browser first, and then it exits 0. The profile is removed either way.
 *
 * With a running NetLens (running.json, or --proxy naming it) the browser gets a proxy port of
 * its own, so its exchanges are labelled `chromium#N`, `firefox#N`…; the port is released at exit.
 */
import net from 'node:net';
import os from 'node:os';
import type { Command } from 'commander';
import type { BrowserInfo } from '../../shared/browsers.js';
import { EXIT_USAGE } from '../../shared/errors.js';
import { normalizeBrowserUrl } from '../engine/system/browsers/browserUrl.js';
import { CliError } from './cliError.js';
import { controlRequest, resolveProxyTarget, type ProxyTarget } from './runningNetlens.js';
import { onProcessShutdownSignal } from './shutdownSignals.js';

interface BrowserFlags {
  dataDir?: string;
  browser?: string;
  proxy?: string;
  headless?: boolean;
  list?: boolean;
  json?: boolean;
}

/** The URL argument, checked (a usage error, exit 2, when it is not a URL). */
export function browserUrlArgument(value: string): string {
  try {
    return normalizeBrowserUrl(value);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_USAGE);
  }
}

/** The exit code of `netlens browser` for how the browser ended. */
export function exitCodeOf(exit: { code: number | null; signal: NodeJS.Signals | null }): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? os.constants.signals[exit.signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}

export function launchLine(browser: BrowserInfo, pid: number, profileDir: string): string {
  return `NetLens browser: ${browser.id} pid ${pid} profile ${profileDir}`;
}

function proxyNotListening(target: ProxyTarget, reason: string): CliError {
  return new CliError(
    `Nothing is listening on ${target.url.replace(/^http:\/\//, '')} (${reason}): start \`netlens proxy\` or the NetLens app first, or pass --proxy HOST:PORT.`,
    1,
  );
}

function checkListening(target: ProxyTarget, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(proxyNotListening(target, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(proxyNotListening(target, error.code ?? error.message));
    });
  });
}

interface OpenedSource {
  source: string;
  host: string;
  port: number;
}

async function listBrowsers(json: boolean): Promise<void> {
  const [{ discoverBrowsers }, { systemDiscoveryProbe }, { browserVersion }] = await Promise.all([
    import('../engine/system/browsers/browserDiscovery.js'),
    import('../engine/system/browsers/discoveryProbe.js'),
    import('../engine/system/browsers/browserVersion.js'),
  ]);
  const { browsers } = discoverBrowsers(systemDiscoveryProbe());
  await Promise.all(
    browsers.map(async (browser) => {
      const version = await browserVersion(browser.path);
      if (version) browser.version = version;
    }),
  );
  if (json) {
    process.stdout.write(`${JSON.stringify(browsers, null, 2)}\n`);
    return;
  }
  if (browsers.length === 0) {
    process.stdout.write(
      'No supported browser found (Chromium, Google Chrome, Microsoft Edge, Brave, Firefox).\n',
    );
    return;
  }
  const idWidth = Math.max(...browsers.map((b) => b.id.length));
  const nameWidth = Math.max(...browsers.map((b) => `${b.name} ${b.version ?? ''}`.trim().length));
  for (const b of browsers) {
    const name = `${b.name} ${b.version ?? ''}`.trim();
    const packaging = b.packaging ? ` (${b.packaging})` : '';
    process.stdout.write(`${b.id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${b.path}${packaging}\n`);
  }
}

export function registerBrowserCommand(program: Command): void {
  program
    .command('browser [url]')
    .description('open a browser that goes through NetLens and trusts its CA, in a throw-away profile')
    .option('--browser <name|path>', 'chromium, chrome, edge, brave, firefox, or the path of the executable')
    .option(
      '--proxy <host:port>',
      'the proxy (default: the running NetLens of the data directory, else 127.0.0.1:8899)',
    )
    .option('--headless', 'no window (for scripts and tests)')
    .option('--list', 'list the browsers found and exit')
    .option('--json', 'with --list: JSON')
    .addHelpText(
      'after',
      [
        '',
        'Prints one line, `NetLens browser: NAME pid PID profile DIR`, and exits when the browser does',
        '(with its exit code). Ctrl-C closes the browser. The profile is removed afterwards.',
        '',
        'Examples:',
        '  netlens browser',
        '  netlens browser localhost:3000 --browser firefox',
        '  netlens browser --headless https://example.com/ --browser /opt/google/chrome/chrome',
      ].join('\n'),
    )
    .action(async (urlArgument: string | undefined, _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<BrowserFlags>();
      if (flags.json && !flags.list) throw new CliError('--json goes with --list.', EXIT_USAGE);
      if (flags.list) {
        await listBrowsers(flags.json === true);
        return;
      }
      const url = urlArgument === undefined ? undefined : browserUrlArgument(urlArgument);
      const [{ loadOrCreateCA }, { resolveDataDir }, choice, probeModule, versionModule, launcher] =
        await Promise.all([
          import('../engine/tls/certificateAuthority.js'),
          import('../engine/system/dataDir.js'),
          import('../engine/system/browsers/browserChoice.js'),
          import('../engine/system/browsers/discoveryProbe.js'),
          import('../engine/system/browsers/browserVersion.js'),
          import('../engine/system/browsers/browserLauncher.js'),
        ]);
      const dataDir = resolveDataDir(flags.dataDir);
      const probe = probeModule.systemDiscoveryProbe();

      let browser: BrowserInfo;
      try {
        const choiceName =
          flags.browser !== undefined && /[\\/]/.test(flags.browser)
            ? probeModule.expandUserPath(flags.browser, probe.homeDir)
            : flags.browser;
        browser = await choice.resolveBrowser(choiceName, {
          probe,
          versionOf: (file) => versionModule.versionText(file),
        });
      } catch (error) {
        if (error instanceof choice.BrowserChoiceError) throw new CliError(error.message, 1);
        throw error;
      }

      let ca: { certPem: string; certPath: string };
      try {
        ca = await loadOrCreateCA(dataDir);
      } catch (error) {
        throw new CliError(`Cannot load or create the CA in ${dataDir}: ${(error as Error).message}`, 1, {
          cause: error,
        });
      }

      const target = resolveProxyTarget(dataDir, flags.proxy);
      if (target.problem) process.stderr.write(`netlens: ${target.problem}\n`);
      let proxy = { host: target.host, port: target.port };
      let source: OpenedSource | undefined;
      if (target.running) {
        try {
          source = await controlRequest<OpenedSource>(target.running, 'POST', '/_netlens/sources', {
            kind: browser.id,
            ownerPid: process.pid,
          });
          proxy = { host: source.host, port: source.port };
        } catch (error) {
          process.stderr.write(
            `netlens: NetLens at ${target.url} gave no source port (${(error as Error).message}); using its main port, so this browser's traffic is labelled "manual".\n`,
          );
          await checkListening(target);
        }
      } else {
        await checkListening(target);
      }
      const release = async (): Promise<void> => {
        if (!source || !target.running) return;
        const label = source.source;
        source = undefined;
        await controlRequest(
          target.running,
          'DELETE',
          `/_netlens/sources/${encodeURIComponent(label)}`,
        ).catch(() => undefined);
      };

      let launched: Awaited<ReturnType<typeof launcher.launchBrowser>>;
      try {
        launched = await launcher.launchBrowser({
          browser,
          proxy,
          ca,
          ...(url ? { url } : {}),
          ...(flags.headless ? { headless: true } : {}),
        });
      } catch (error) {
        await release();
        if (error instanceof launcher.BrowserLaunchError)
          throw new CliError(error.message, 1, { cause: error });
        throw error;
      }
      for (const warning of launched.warnings) process.stderr.write(`netlens: ${warning}\n`);
      process.stdout.write(`${launchLine(browser, launched.pid, launched.profileDir)}\n`);

      let stoppedBySignal = false;
      onProcessShutdownSignal(() => {
        stoppedBySignal = true;
        void launched.stop();
      });
      const exit = await launched.exited;
      await release();
      if (!exit.profileRemoved) {
        process.stderr.write(
          `netlens: could not remove the profile ${launched.profileDir}; delete it by hand.\n`,
        );
      }
      if (stoppedBySignal) {
        process.exitCode = 0;
        return;
      }
      const code = exitCodeOf(exit);
      if (code !== 0) {
        const tail = launched
          .stderrTail()
          .trim()
          .split('\n')
          .filter((line) => line.trim() !== '')
          .slice(-3);
        process.stderr.write(
          `netlens: ${browser.name} exited with ${exit.signal ?? `code ${exit.code}`}${tail.length > 0 ? `; it said:\n  ${tail.join('\n  ')}` : '.'}\n`,
        );
      }
      process.exitCode = code;
    });
}
