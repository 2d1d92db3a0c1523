import { describe, expect, it } from 'vitest';
import { caChangeProblem, caChangesText, caOutput, caStatusText } from '@cli/caCommand.js';

describe('netlens ca output', () => {
  it('prints the path, or the PEM with one trailing newline', () => {
    expect(caOutput({ certPath: '/d/ca.pem', certPem: 'PEM' }, false)).toBe('/d/ca.pem\n');
    expect(caOutput({ certPath: '/d/ca.pem', certPem: 'PEM\n' }, true)).toBe('PEM\n');
  });

  it('shows --status as a table, with why a store is not available', () => {
    const text = caStatusText({
      caCertPath: '/d/ca.pem',
      caFingerprint256: 'AA:BB',
      stores: [
        { store: 'nss', location: '/home/dev/.pki/nssdb', trusted: true, available: true },
        { store: 'firefox', location: '/home/dev/.mozilla/firefox/p', trusted: false, available: true },
        {
          store: 'system',
          location: '/usr/local/share/ca-certificates/x.crt',
          trusted: false,
          available: false,
          reason: 'needs root',
        },
      ],
    });
    expect(text).toBe(
      [
        'NetLens CA  /d/ca.pem',
        'SHA-256     AA:BB',
        '',
        'STORE    TRUSTED  WHERE',
        'nss      yes      /home/dev/.pki/nssdb',
        'firefox  no       /home/dev/.mozilla/firefox/p',
        'system   -        /usr/local/share/ca-certificates/x.crt  (needs root)',
        '',
      ].join('\n'),
    );
  });

  it('lists what --install did per store and fails when a store failed, naming the ones changed', () => {
    const changes = [
      { store: 'nss' as const, location: '/n', outcome: 'installed' as const },
      { store: 'firefox' as const, location: '/f', outcome: 'failed' as const, message: 'password' },
      { store: 'system' as const, location: '/s', outcome: 'skipped' as const, message: 'needs root' },
    ];
    expect(caChangesText(changes)).toBe(
      'installed  nss      /n\nfailed     firefox  /f  (password)\nskipped    system   /s  (needs root)\n',
    );
    expect(caChangeProblem(changes, 'install')).toBe(
      'The CA could not be installed into firefox (/f): see above. It was installed into nss.',
    );
    expect(
      caChangeProblem(
        changes.filter((c) => c.outcome !== 'failed'),
        'install',
      ),
    ).toBe(undefined);
    expect(caChangeProblem([changes[2]!], 'install')).toBe('No store could be changed: needs root');
  });
});
