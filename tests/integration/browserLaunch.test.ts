/**
 * Real browsers through a real engine (DESIGN.md, Interception): Debian's Chromium trusting the
 * NetLens CA by its SPKI, Chromium trusting it through the NSS database of a temporary HOME
 * after `netlens ca --install --store nss` (no SPKI flag), and Firefox ESR with the CA in its
 * throw-away profile. Each loads an HTTPS page of a 127.0.0.1 origin; the engine records it
 * intercepted: status, body, timings and the browser's source label.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@engine/system/browsers/browserLauncher.js';
import type { Exchange } from '@shared/model.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import {
  certutilExecutable,
  chromiumExecutable,
  chromiumInfo,
  firefoxInfo,
} from '@fixtures/browserExecutables.js';
import { httpsOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';
import { buildCli, runCli, tempDir, type BuiltCli } from './cliHarness.js';

const PAGE =
  '<!doctype html><html><head><title>NetLens test page</title></head><body>intercepted page</body></html>';

let pki: TestPki;
let origin: Origin;
let cli: BuiltCli;
const dirs: string[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  origin = await httpsOrigin(pki.valid, (req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(req.url === '/favicon.ico' ? '' : PAGE);
  });
  cli = await buildCli('browser-launch');
});

afterAll(async () => {
  await origin.close();
  cli.remove();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const created = tempDir(prefix);
  dirs.push(created);
  return created;
}

/** A fresh engine for each test: a rejected certificate would make the engine tunnel that host for the run. */
async function proxy(): Promise<TestProxy> {
  return startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
}

async function expectIntercepted(p: TestProxy, exchange: Exchange, source: string): Promise<void> {
  expect(exchange.source).toBe(source);
  expect(exchange.request.url).toBe(
    `https://127.0.0.1:${origin.port}${new URL(exchange.request.url).pathname}`,
  );
  expect(exchange.response?.status).toBe(200);
  // A new upstream connection: every phase was timed.
  expect(exchange.timings.connect).toBeGreaterThanOrEqual(0);
  expect(exchange.timings.ssl).toBeGreaterThanOrEqual(0);
  expect(exchange.timings.wait).toBeGreaterThanOrEqual(0);
  expect(exchange.durationMs).toBeGreaterThan(0);
  const body = await p.engine.exchanges.body(exchange.id, 'response');
  expect(Buffer.from(body!.base64, 'base64').toString('utf8')).toBe(PAGE);
}

describe('Chromium trusting the CA by SPKI', () => {
  it('loads an intercepted HTTPS page of a 127.0.0.1 origin, labelled with its source', async () => {
    const p = await proxy();
    try {
      const source = await p.engine.sources.open('chromium');
      const launched = await launchBrowser({
        browser: chromiumInfo(),
        proxy: { host: source.host, port: source.port },
        ca: { certPem: p.caPem, certPath: p.engine.caCertPath },
        url: `https://127.0.0.1:${origin.port}/spki`,
        headless: true,
      });
      try {
        expect(fs.existsSync(launched.profileDir)).toBe(true);
        const exchange = await p.finished((e) => e.request.url.endsWith('/spki'), 30_000);
        await expectIntercepted(p, exchange, source.source);
      } finally {
        const exit = await launched.stop();
        expect(exit.profileRemoved).toBe(true);
      }
      expect(fs.existsSync(launched.profileDir)).toBe(false);
    } finally {
      await p.close();
    }
  });
});

describe('Chromium trusting the CA through ~/.pki/nssdb (netlens ca --install --store nss)', () => {
  /** Chromium as a user would start it: the proxy flags, no SPKI flag, HOME whose NSS database it reads. */
  function runChromium(
    home: string,
    proxyPort: number,
    url: string,
  ): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        chromiumExecutable(),
        [
          '--headless',
          '--no-sandbox',
          `--proxy-server=http://127.0.0.1:${proxyPort}`,
          '--proxy-bypass-list=<-loopback>',
          `--user-data-dir=${dir('chromium-profile')}`,
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--dump-dom',
          url,
        ],
        { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (stdout += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout });
      });
    });
  }

  it('is rejected without the CA in NSS, and intercepted once it is installed', async () => {
    certutilExecutable();
    // Control: the same Chromium and HOME layout without the CA rejects the NetLens certificate.
    const control = await proxy();
    try {
      const bare = await runChromium(
        dir('home-bare'),
        control.port,
        `https://127.0.0.1:${origin.port}/no-nss`,
      );
      expect(bare.stdout).not.toContain('intercepted page');
      const rejected = await control.finished(
        (e) => e.request.url.includes(`127.0.0.1:${origin.port}`),
        20_000,
      );
      expect(rejected.error?.detail ?? rejected.tunnel?.reason).toMatch(
        /certificate_unknown|unknown_ca|bad_certificate|client_rejected_certificate/,
      );
    } finally {
      await control.close();
    }

    const p = await proxy();
    try {
      const home = dir('home-nss');
      const install = await runCli(cli, ['ca', '--install', '--store', 'nss', '--data-dir', p.dataDir], {
        env: { ...process.env, HOME: home },
      });
      expect(install.stderr).toContain('restart Chromium');
      expect(install.stdout.split(/\s+/)).toEqual(['installed', 'nss', `${home}/.pki/nssdb`, '']);
      expect(install.code).toBe(0);

      const source = await p.engine.sources.open('chromium');
      const run = await runChromium(home, source.port, `https://127.0.0.1:${origin.port}/nss`);
      expect(run.stdout).toContain('intercepted page');
      const exchange = await p.finished((e) => e.request.url.endsWith('/nss'), 20_000);
      await expectIntercepted(p, exchange, source.source);
    } finally {
      await p.close();
    }
  });
});

describe('Firefox ESR with the CA in its throw-away profile', () => {
  it('loads an intercepted HTTPS page of a 127.0.0.1 origin, with no background traffic of its own', async () => {
    certutilExecutable();
    const p = await proxy();
    try {
      const source = await p.engine.sources.open('firefox');
      const launched = await launchBrowser({
        browser: firefoxInfo(),
        proxy: { host: source.host, port: source.port },
        ca: { certPem: p.caPem, certPath: p.engine.caCertPath },
        url: `https://127.0.0.1:${origin.port}/firefox`,
        headless: true,
        env: { ...process.env, HOME: dir('home-firefox') },
      });
      try {
        // The profile holds the prefs and an NSS database trusting the CA.
        expect(fs.readFileSync(`${launched.profileDir}/user.js`, 'utf8')).toContain(
          `user_pref("network.proxy.ssl_port", ${source.port});`,
        );
        const listing = await new Promise<string>((resolve) =>
          execFile(certutilExecutable(), ['-L', '-d', `sql:${launched.profileDir}`], (_e, stdout) =>
            resolve(stdout),
          ),
        );
        expect(listing).toMatch(/NetLens CA [0-9a-f]{16}\s+C,,/);
        const exchange = await p.finished((e) => e.request.url.endsWith('/firefox'), 45_000);
        await expectIntercepted(p, exchange, source.source);
      } finally {
        const exit = await launched.stop();
        expect(exit.profileRemoved).toBe(true);
      }
      const others = p.engine.exchanges
        .list()
        .filter(
          (e) => e.source === source.source && !e.request.url.startsWith(`https://127.0.0.1:${origin.port}/`),
        );
      expect(others.map((e) => e.request.url)).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
