import path from 'node:path';
import type { CaIdentity } from './caIdentity.js';
import {
  CERTUTIL_MISSING_MESSAGE,
  NSS_DB_FILE,
  explainCertutilFailure,
  isListedIn,
  isTrustedIn,
  nssInstallPlan,
  nssListArgs,
  nssUninstallPlan,
  parseCertutilList,
} from './nssDatabase.js';
import type { TrustEnvironment } from './trustEnvironment.js';
import { unavailable, type TrustStore, type TrustStoreState } from './trustStore.js';

/** The shared NSS database of the user on Linux (Chromium, Chrome, Edge, Brave read it). */
export function sharedNssDir(homeDir: string): string {
  return path.join(homeDir, '.pki', 'nssdb');
}

/**
 * One NSS database as a trust store: `nss` (~/.pki/nssdb, created when missing) or `firefox`
 * (a profile's, never created: Firefox makes it on the profile's first start).
 */
export function nssStore(
  env: TrustEnvironment,
  ca: CaIdentity,
  kind: 'nss' | 'firefox',
  dir: string,
): TrustStore {
  return {
    kind,
    location: dir,
    explain: (message) => explainCertutilFailure(message, dir),
    async inspect(): Promise<TrustStoreState> {
      const certutil = env.findExecutable('certutil');
      if (!certutil) return unavailable(kind, dir, CERTUTIL_MISSING_MESSAGE);
      const dbExists = env.exists(path.join(dir, NSS_DB_FILE));
      if (!dbExists) {
        if (kind === 'firefox') {
          const legacy = env.exists(path.join(dir, 'cert8.db'));
          return unavailable(
            kind,
            dir,
            legacy
              ? 'this profile has only the old cert8.db format: open it once in a current Firefox, then try again.'
              : 'this profile has no certificate database yet: start Firefox with it once, then try again.',
          );
        }
        if (!env.canWrite(dir)) return unavailable(kind, dir, `${dir} cannot be created: no write access.`);
        return {
          status: {
            store: kind,
            location: dir,
            trusted: false,
            available: true,
            reason: 'no NSS database yet: it is created on install.',
          },
          install: nssInstallPlan({ certutil, dir, dbExists: false, listed: false, ca }),
          uninstall: [],
        };
      }
      const listing = await env.run(certutil, nssListArgs(dir));
      if (listing.code !== 0) {
        const message =
          (listing.stderr || listing.stdout).trim().split('\n')[0] ?? `exit code ${listing.code}`;
        return unavailable(
          kind,
          dir,
          `certutil cannot read this database: ${explainCertutilFailure(message, dir)}`,
        );
      }
      const entries = parseCertutilList(listing.stdout);
      const listed = isListedIn(entries, ca.nickname);
      const trusted = isTrustedIn(entries, ca.nickname);
      return {
        status: { store: kind, location: dir, trusted, available: true },
        install: trusted ? [] : nssInstallPlan({ certutil, dir, dbExists: true, listed, ca }),
        uninstall: nssUninstallPlan({ certutil, dir, listed, ca }),
      };
    },
  };
}
