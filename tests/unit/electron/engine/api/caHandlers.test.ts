import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import { caHandlers } from '@engine/api/caHandlers.js';
import { caIdentityOf } from '@engine/system/caTrust/caIdentity.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import { makeTestPki } from '@fixtures/certificates.js';
import { fakeTrustEnvironment } from '@fixtures/fakeTrustEnvironment.js';
import { fakeCertutil } from '@fixtures/fakeCertutil.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ca:status, ca:install, ca:uninstall', () => {
  it('report and change the stores of the engine’s own CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ca-handlers-'));
    dirs.push(dir);
    const certPath = path.join(dir, 'ca.pem');
    const pem = makeTestPki().ca.certPem;
    fs.writeFileSync(certPath, pem);
    const engine = createFakeEngine();
    Object.defineProperty(engine, 'caCertPath', { value: certPath });
    const tools: { certutil?: ReturnType<typeof fakeCertutil> } = {};
    const env = fakeTrustEnvironment({
      homeDir: '/home/dev',
      executables: { certutil: '/usr/bin/certutil' },
      writable: ['/home/dev'],
      handle: (command, args) => tools.certutil?.handle(command, args),
    });
    tools.certutil = fakeCertutil(env.files);
    const dispatch = createApiDispatcher(
      engine,
      caHandlers(engine, () => env),
    );

    const before = await dispatch('ca:status', []);
    expect(before).toMatchObject({
      ok: true,
      value: { caCertPath: certPath, caFingerprint256: caIdentityOf(pem, certPath).fingerprint256 },
    });
    const installed = await dispatch('ca:install', ['nss']);
    expect(installed).toMatchObject({
      ok: true,
      value: {
        changes: [{ store: 'nss', location: '/home/dev/.pki/nssdb', outcome: 'installed' }],
        stores: [{ store: 'nss', trusted: true }],
      },
    });
    const removed = await dispatch('ca:uninstall', ['nss']);
    expect(removed).toMatchObject({ ok: true, value: { changes: [{ store: 'nss', outcome: 'removed' }] } });
    expect(await dispatch('ca:install', ['everything'])).toMatchObject({
      ok: false,
      error: { code: 'bad_argument' },
    });
  });
});
