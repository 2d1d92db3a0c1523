/**
 * The empty state's "send traffic through NetLens" snippets (renderer/views/traffic/setupSnippets.ts)
 * run as written against a real engine, with example.com swapped for a 127.0.0.1 HTTPS origin:
 * curl, Python requests, Node and Chromium (the SPKI recipe, for real). Each must be intercepted.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupSnippets } from '@renderer/views/traffic/setupSnippets.js';
import { spkiSha256Base64 } from '@engine/system/browsers/spkiHash.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { chromiumExecutable } from '@fixtures/browserExecutables.js';
import { httpsOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';
import { tempDir } from './cliHarness.js';

let pki: TestPki;
let origin: Origin;
let proxy: TestProxy;
let work: string;

beforeAll(async () => {
  pki = makeTestPki();
  origin = await httpsOrigin(pki.valid, (req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<html><body>snippet ${req.url}</body></html>`);
  });
  proxy = await startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
  work = tempDir('snippets');
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function snippet(id: string): string {
  const found = setupSnippets(proxy.url, proxy.engine.caCertPath).find((s) => s.id === id);
  if (!found) throw new Error(`no snippet ${id}`);
  return found.code;
}

/** Runs shell text in bash, in a clean environment (no proxy variables of the machine's own). */
function bash(
  script: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (/^(https?|no|all)_proxy$/i.test(key)) delete base[key];
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { cwd: work, env: { ...base, TMPDIR: work, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function withOrigin(code: string, pathname: string): string {
  expect(code).toContain('https://example.com/');
  return code.replaceAll('https://example.com/', `https://127.0.0.1:${origin.port}${pathname}`);
}

async function intercepted(pathname: string): Promise<void> {
  const exchange = await proxy.finished(
    (e) => e.request.url === `https://127.0.0.1:${origin.port}${pathname}`,
    30_000,
  );
  expect(exchange.response?.status).toBe(200);
  expect(exchange.kind).toBe('http');
}

describe('the empty-state snippets, as written', () => {
  it('curl', async () => {
    const run = await bash(withOrigin(snippet('curl'), '/curl'));
    // curl's progress meter goes to stderr when stdout is not a terminal; an error would say `curl: (N)`.
    expect(run.stderr).not.toMatch(/curl: \(\d+\)/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('<html><body>snippet /curl</body></html>');
    await intercepted('/curl');
  });

  it('Python requests', async () => {
    const run = await bash(withOrigin(snippet('python'), '/python'));
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('200');
    await intercepted('/python');
  });

  it('Node: NODE_EXTRA_CA_CERTS and the proxy variables (NODE_USE_ENV_PROXY where this Node has it)', async () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const envProxy = (major === 22 && minor >= 21) || (major === 24 && minor >= 5) || major >= 25;
    const url = `https://127.0.0.1:${origin.port}/node`;
    // With NODE_USE_ENV_PROXY, plain fetch goes through HTTPS_PROXY; before it, the app tunnels by hand.
    const app = envProxy
      ? `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => console.log(t));`
      : [
          "const http = require('http'); const https = require('https');",
          'const proxy = new URL(process.env.HTTPS_PROXY);',
          `const target = new URL(${JSON.stringify(url)});`,
          "http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target.host }).on('connect', (res, socket) => {",
          "  https.get({ host: target.hostname, port: target.port, path: target.pathname, socket, agent: false }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(b)); });",
          '}).end();',
        ].join('\n');
    fs.writeFileSync(path.join(work, 'app.js'), app);
    const run = await bash(snippet('node'));
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('<html><body>snippet /node</body></html>');
    await intercepted('/node');
  });

  it('Chromium: the SPKI recipe, with the page loaded headless', async () => {
    const code = snippet('chromium');
    // `chromium` in the snippet runs Debian's Chromium headless (as root it needs --no-sandbox), printing the page.
    const wrapper = `chromium() { ${JSON.stringify(chromiumExecutable())} --headless --no-sandbox --disable-background-networking --disable-component-update --dump-dom "$@" "https://127.0.0.1:${origin.port}/chromium"; }`;
    const run = await bash(`${wrapper}\n${code}\necho "SPKI=$SPKI"`);
    expect(run.stdout).toContain('<body>snippet /chromium</body>');
    expect(run.stdout).toContain(`SPKI=${spkiSha256Base64(proxy.caPem)}`);
    await intercepted('/chromium');
  });

  it('Firefox: the proxy and the CA to import', () => {
    const code = snippet('firefox');
    expect(code).toContain(`HTTP Proxy 127.0.0.1 port ${proxy.port}`);
    expect(code).toContain(proxy.engine.caCertPath);
  });
});
