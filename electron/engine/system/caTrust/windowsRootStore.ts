/**
 * Windows: the current user's Root store ("Trusted Root Certification Authorities" of the
 * user), through Windows's own certutil.exe (named by its full path: NSS's certutil may be on
 * PATH too). Windows shows a confirmation dialog before it adds a root to this store.
 */
import path from 'node:path';
import type { CaIdentity } from './caIdentity.js';
import type { TrustEnvironment } from './trustEnvironment.js';
import { unavailable, type TrustStore, type TrustStoreState } from './trustStore.js';
import type { TrustStep } from './trustSteps.js';

export const WINDOWS_USER_ROOT = 'CurrentUser\\Root';

export function windowsCertutil(env: NodeJS.ProcessEnv): string {
  return path.win32.join(env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 'System32', 'certutil.exe');
}

/**
 * The SHA-1 hashes (lower-case hex) in `certutil -user -store Root` output: `Cert Hash(sha1): …`
 * (the label is translated on other locales, the `(sha1):` stays; older Windows spaces the bytes).
 */
export function parseWindowsStoreSha1s(text: string): Set<string> {
  const hashes = new Set<string>();
  for (const match of text.matchAll(/\(sha1\):\s*((?:[0-9A-Fa-f]{2} ?){20})\s*$/gm)) {
    hashes.add(match[1]!.replace(/\s+/g, '').toLowerCase());
  }
  return hashes;
}

export function windowsInstallPlan(certutil: string, ca: CaIdentity): TrustStep[] {
  return [{ kind: 'run', command: certutil, args: ['-user', '-addstore', 'Root', ca.certPath] }];
}

export function windowsUninstallPlan(certutil: string, ca: CaIdentity): TrustStep[] {
  return [{ kind: 'run', command: certutil, args: ['-user', '-delstore', 'Root', ca.sha1Hex] }];
}

export function windowsRootStore(env: TrustEnvironment, ca: CaIdentity): TrustStore {
  const certutil = windowsCertutil(env.env);
  return {
    kind: 'windows-user',
    location: WINDOWS_USER_ROOT,
    async inspect(): Promise<TrustStoreState> {
      const listing = await env.run(certutil, ['-user', '-store', 'Root']);
      if (listing.code !== 0) {
        return unavailable(
          'windows-user',
          WINDOWS_USER_ROOT,
          `certutil cannot read the store: ${listing.stderr.trim() || listing.stdout.trim().split('\n').pop() || `exit code ${listing.code}`}`,
        );
      }
      const present = parseWindowsStoreSha1s(listing.stdout).has(ca.sha1Hex);
      return {
        status: { store: 'windows-user', location: WINDOWS_USER_ROOT, trusted: present, available: true },
        install: present ? [] : windowsInstallPlan(certutil, ca),
        uninstall: present ? windowsUninstallPlan(certutil, ca) : [],
      };
    },
  };
}
