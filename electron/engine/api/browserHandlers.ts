/**
 * `browsers:list` and `browsers:launch` (the Intercept view's browser cards). A browser launched
 * from the app gets a source listener of its own (`chromium#3`…), opened by the engine here and
 * closed when the browser exits; its throw-away profile is removed then too.
 *
 * The API launches only browsers discovery finds (by id, or by a path discovery returned): a
 * client of the API never makes NetLens run an executable of its choosing. `netlens browser
 * --browser PATH` is the way to start another one.
 */
import fs from 'node:fs';
import { isBrowserId, type BrowserInfo, type LaunchedBrowser } from '../../../shared/browsers.js';
import type { Engine } from '../engine.js';
import { BrowserChoiceError, resolveBrowser } from '../system/browsers/browserChoice.js';
import { discoverBrowsers, type DiscoveryProbe } from '../system/browsers/browserDiscovery.js';
import {
  BrowserLaunchError,
  launchBrowser,
  type BrowserLaunchOptions,
} from '../system/browsers/browserLauncher.js';
import { normalizeBrowserUrl } from '../system/browsers/browserUrl.js';
import { browserVersion } from '../system/browsers/browserVersion.js';
import { systemDiscoveryProbe } from '../system/browsers/discoveryProbe.js';
import { ApiFailure } from './apiFailure.js';
import { ArgumentError, argList, booleanArg, objectArg, stringArg } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

export interface BrowserHandlerDeps {
  probe(): DiscoveryProbe;
  launch: typeof launchBrowser;
  version(file: string): Promise<string | undefined>;
}

const realDeps: BrowserHandlerDeps = {
  probe: () => systemDiscoveryProbe(),
  launch: launchBrowser,
  version: (file) => browserVersion(file, 3000),
};

export function browserHandlers(engine: Engine, deps: BrowserHandlerDeps = realDeps): Partial<HandlerTable> {
  return {
    'browsers:list': {
      parse: (args) => argList(args, 0) as [],
      handle: async () => {
        const { browsers } = discoverBrowsers(deps.probe());
        await Promise.all(
          browsers.map(async (browser) => {
            const version = await deps.version(browser.path);
            if (version) browser.version = version;
          }),
        );
        return browsers;
      },
    },
    'browsers:launch': {
      parse: (args) => {
        const [raw] = argList(args, 1);
        const request = objectArg(raw, 'request', ['browser', 'url', 'headless']);
        const browser = stringArg(request.browser, 'request.browser', { minLength: 1, maxLength: 4096 });
        const parsed: { browser: string; url?: string; headless?: boolean } = { browser };
        if (request.url !== undefined && request.url !== '') {
          const url = stringArg(request.url, 'request.url', { maxLength: 64 * 1024 });
          try {
            parsed.url = normalizeBrowserUrl(url);
          } catch (error) {
            throw new ArgumentError(`request.url: ${(error as Error).message}`);
          }
        }
        if (request.headless !== undefined)
          parsed.headless = booleanArg(request.headless, 'request.headless');
        return [parsed];
      },
      handle: async (request): Promise<LaunchedBrowser> => {
        const probe = deps.probe();
        let browser: BrowserInfo;
        try {
          if (isBrowserId(request.browser)) {
            browser = await resolveBrowser(request.browser, { probe });
          } else {
            const found = discoverBrowsers(probe).browsers.find((b) => b.path === request.browser);
            if (!found) {
              throw new ApiFailure(
                'unknown_browser',
                `"${request.browser}" is not a browser NetLens found: use chromium, chrome, edge, brave or firefox, or \`netlens browser --browser PATH\` from a terminal.`,
              );
            }
            browser = found;
          }
        } catch (error) {
          if (error instanceof BrowserChoiceError)
            throw new ApiFailure(error.code, error.message, { cause: error });
          throw error;
        }
        const certPem = await fs.promises.readFile(engine.caCertPath, 'utf8');
        const source = await engine.sources.open(browser.id);
        const options: BrowserLaunchOptions = {
          browser,
          proxy: { host: source.host, port: source.port },
          ca: { certPem, certPath: engine.caCertPath },
          ...(request.url ? { url: request.url } : {}),
          ...(request.headless ? { headless: true } : {}),
        };
        let launched: Awaited<ReturnType<typeof launchBrowser>>;
        try {
          launched = await deps.launch(options);
        } catch (error) {
          await engine.sources.close(source.source);
          if (error instanceof BrowserLaunchError)
            throw new ApiFailure(error.code, error.message, { cause: error });
          throw error;
        }
        void launched.exited.then(() => engine.sources.close(source.source)).catch(() => undefined);
        return {
          browser: browser.id,
          name: browser.name,
          pid: launched.pid,
          profileDir: launched.profileDir,
          source: source.source,
          proxyUrl: source.proxyUrl,
        };
      },
    },
  };
}
