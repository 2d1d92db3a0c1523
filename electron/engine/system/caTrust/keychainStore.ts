/**
 * macOS: the CA as a trusted root in a keychain, through `security`. The login keychain with
 * user trust settings (`add-trusted-cert -r trustRoot`) is the `user` store; the System keychain
 * with admin trust settings (`-d`) is the `system` store and needs root. macOS asks for the
 * user's password (or Touch ID) before it changes trust settings.
 */
import path from 'node:path';
import type { CaIdentity } from './caIdentity.js';
import type { TrustEnvironment } from './trustEnvironment.js';
import { unavailable, type TrustStore, type TrustStoreState } from './trustStore.js';
import type { TrustStep } from './trustSteps.js';

export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

export function loginKeychain(homeDir: string): string {
  return path.posix.join(homeDir, 'Library', 'Keychains', 'login.keychain-db');
}

/** The SHA-1 hashes (lower-case hex) in `security find-certificate -a -Z` output. */
export function parseKeychainSha1s(text: string): Set<string> {
  const hashes = new Set<string>();
  for (const match of text.matchAll(/^SHA-1 hash:\s*([0-9A-Fa-f]{40})\s*$/gm))
    hashes.add(match[1]!.toLowerCase());
  return hashes;
}

export function keychainInstallPlan(keychain: string, ca: CaIdentity, admin: boolean): TrustStep[] {
  return [
    {
      kind: 'run',
      command: 'security',
      args: ['add-trusted-cert', ...(admin ? ['-d'] : []), '-r', 'trustRoot', '-k', keychain, ca.certPath],
    },
  ];
}

export function keychainUninstallPlan(keychain: string, ca: CaIdentity, admin: boolean): TrustStep[] {
  return [
    {
      kind: 'run',
      command: 'security',
      args: ['remove-trusted-cert', ...(admin ? ['-d'] : []), ca.certPath],
    },
    {
      kind: 'run',
      command: 'security',
      args: ['delete-certificate', '-Z', ca.sha1Hex.toUpperCase(), keychain],
    },
  ];
}

export function keychainStore(env: TrustEnvironment, ca: CaIdentity, which: 'login' | 'system'): TrustStore {
  const keychain = which === 'login' ? loginKeychain(env.homeDir) : SYSTEM_KEYCHAIN;
  const kind = which === 'login' ? 'keychain' : 'system';
  const admin = which === 'system';
  return {
    kind,
    location: keychain,
    async inspect(): Promise<TrustStoreState> {
      const listing = await env.run('security', ['find-certificate', '-a', '-Z', keychain]);
      if (listing.code !== 0) {
        const why = listing.stderr.trim() || `exit code ${listing.code}`;
        return unavailable(kind, keychain, `security cannot read ${keychain}: ${why}`);
      }
      const present = parseKeychainSha1s(listing.stdout).has(ca.sha1Hex);
      if (admin && !env.isAdmin) {
        const reason = 'needs root: run `sudo netlens ca --install --store system`.';
        return {
          status: { store: kind, location: keychain, trusted: present, available: false, reason },
          install: [],
          uninstall: [],
        };
      }
      return {
        status: { store: kind, location: keychain, trusted: present, available: true },
        install: present ? [] : keychainInstallPlan(keychain, ca, admin),
        uninstall: present ? keychainUninstallPlan(keychain, ca, admin) : [],
      };
    },
  };
}
