/**
 * A TLS failure shows the server's certificate in the exchange's TLS tab, with the same
 * component as the Probes view: NetLens in web mode, curl through the proxy to an HTTPS origin
 * on 127.0.0.1 whose certificate is self-signed.
 */
import https from 'node:https';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '@fixtures/certificates.js';
import { useE2e, WAIT_MS } from './fixture.js';
import { closeServer, listenOnLoopback } from './upstream.js';

const execFileAsync = promisify(execFile);
const e2e = useE2e({ page: { viewport: { width: 1024, height: 700 } } });
let server: https.Server;
let port = 0;

beforeAll(async () => {
  const pki = makeTestPki();
  server = https.createServer({ cert: pki.selfSigned.certPem, key: pki.selfSigned.keyPem }, (_req, res) =>
    res.end('secret'),
  );
  port = await listenOnLoopback(server);
});
afterAll(async () => {
  server.closeAllConnections();
  await closeServer(server);
});

describe('the TLS tab of a failed exchange', () => {
  it('shows the chain the server sends, why it was rejected, and when NetLens read it', async () => {
    const run = await execFileAsync(
      'curl',
      [
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-x',
        e2e.app.proxyUrl,
        '--cacert',
        e2e.app.caCertPath,
        `https://localhost:${port}/login`,
      ],
      { timeout: WAIT_MS },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    expect(run.stdout).toBe('502');
    await e2e.waitForRows(1);
    await e2e.rows().first().click();
    const detail = e2e.detail();
    await detail.getByRole('tab', { name: 'TLS' }).click();
    const panel = detail.getByLabel('Server certificate');
    await panel.waitFor({ timeout: WAIT_MS });
    expect(await panel.innerText()).toContain('self signed');
    const tls = panel.getByLabel(`TLS with localhost:${port}`);
    await tls.waitFor({ timeout: WAIT_MS });
    const text = await tls.innerText();
    expect(text).toMatch(/rejected: self_signed/);
    expect(text).toContain('CN=localhost, O=NetLens tests');
    expect(text).toMatch(/Leaf/);
    expect(text).toMatch(/\d+ days left/);
    await e2e.screenshot('server-certificate-light');
    await e2e.page.emulateMedia({ colorScheme: 'dark' });
    await e2e.screenshot('server-certificate-dark');
    await e2e.page.emulateMedia({ colorScheme: 'light' });
    expect(e2e.pageErrors).toEqual([]);
  });
});
