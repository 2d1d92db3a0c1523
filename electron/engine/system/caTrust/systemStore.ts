/**
 * The system-wide CA store on Linux: a PEM file in the distribution's anchor folder, then its
 * update command rebuilds the bundle every OpenSSL/GnuTLS program reads. Needs root.
 *
 * The locations can be overridden (tests, unusual systems): NETLENS_SYSTEM_CA_DIR (the anchor
 * folder), NETLENS_SYSTEM_CA_UPDATE (the update command, words separated by spaces) and
 * NETLENS_SYSTEM_CA_BUNDLE (the bundle it writes, to check that the update ran).
 */
import path from 'node:path';
import { samePem, type CaIdentity } from './caIdentity.js';
import type { TrustEnvironment } from './trustEnvironment.js';
import { unavailable, type TrustStore, type TrustStoreState } from './trustStore.js';
import type { TrustStep } from './trustSteps.js';

export interface SystemStoreLayout {
  name: string;
  anchorDir: string;
  /** Debian's update-ca-certificates only reads `*.crt`. */
  extension: '.crt' | '.pem';
  /** [command, ...args]; the command is resolved on PATH (and /usr/sbin, /sbin). Empty: no update step. */
  update: string[];
  /** The combined bundle the update writes. */
  bundlePath?: string;
}

export const KNOWN_SYSTEM_LAYOUTS: readonly SystemStoreLayout[] = [
  {
    name: 'Debian/Ubuntu',
    anchorDir: '/usr/local/share/ca-certificates',
    extension: '.crt',
    update: ['update-ca-certificates'],
    bundlePath: '/etc/ssl/certs/ca-certificates.crt',
  },
  {
    name: 'Fedora/RHEL',
    anchorDir: '/etc/pki/ca-trust/source/anchors',
    extension: '.pem',
    update: ['update-ca-trust', 'extract'],
    bundlePath: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  },
  {
    name: 'Arch',
    anchorDir: '/etc/ca-certificates/trust-source/anchors',
    extension: '.crt',
    update: ['update-ca-trust'],
    bundlePath: '/etc/ca-certificates/extracted/tls-ca-bundle.pem',
  },
  {
    name: 'openSUSE',
    anchorDir: '/etc/pki/trust/anchors',
    extension: '.pem',
    update: ['update-ca-certificates'],
    bundlePath: '/var/lib/ca-certificates/ca-bundle.pem',
  },
];

export const SYSTEM_CA_DIR_VARIABLE = 'NETLENS_SYSTEM_CA_DIR';
export const SYSTEM_CA_UPDATE_VARIABLE = 'NETLENS_SYSTEM_CA_UPDATE';
export const SYSTEM_CA_BUNDLE_VARIABLE = 'NETLENS_SYSTEM_CA_BUNDLE';

/** The layout of this system: the override, else the first known one whose folder and update tool exist. */
export function detectSystemLayout(env: TrustEnvironment): SystemStoreLayout | undefined {
  const overrideDir = env.env[SYSTEM_CA_DIR_VARIABLE];
  if (overrideDir) {
    const layout: SystemStoreLayout = {
      name: 'custom',
      anchorDir: path.resolve(overrideDir),
      extension: '.crt',
      update: (env.env[SYSTEM_CA_UPDATE_VARIABLE] ?? '').split(/\s+/).filter(Boolean),
    };
    const bundle = env.env[SYSTEM_CA_BUNDLE_VARIABLE];
    if (bundle) layout.bundlePath = path.resolve(bundle);
    return layout;
  }
  return KNOWN_SYSTEM_LAYOUTS.find(
    (layout) => env.exists(layout.anchorDir) && env.findExecutable(layout.update[0]!) !== undefined,
  );
}

/** The base64 bodies of the PEM certificates in a bundle, whitespace removed. */
function pemBodies(text: string): Set<string> {
  const bodies = new Set<string>();
  for (const match of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    bodies.add(match[1]!.replace(/\s+/g, ''));
  }
  return bodies;
}

export function systemInstallPlan(
  layout: SystemStoreLayout,
  anchorFile: string,
  ca: CaIdentity,
  update?: string,
): TrustStep[] {
  const steps: TrustStep[] = [{ kind: 'writeFile', path: anchorFile, contents: ca.certPem, mode: 0o644 }];
  if (update) steps.push({ kind: 'run', command: update, args: layout.update.slice(1) });
  return steps;
}

export function systemUninstallPlan(
  layout: SystemStoreLayout,
  anchorFile: string,
  update?: string,
): TrustStep[] {
  const steps: TrustStep[] = [{ kind: 'remove', path: anchorFile }];
  if (update) steps.push({ kind: 'run', command: update, args: layout.update.slice(1) });
  return steps;
}

const LOOKED_FOR = KNOWN_SYSTEM_LAYOUTS.map((layout) => `${layout.update[0]} with ${layout.anchorDir}`).join(
  ', ',
);

export function linuxSystemStore(env: TrustEnvironment, ca: CaIdentity): TrustStore {
  const layout = detectSystemLayout(env);
  const location = layout?.anchorDir ?? 'system CA store';
  return {
    kind: 'system',
    location,
    async inspect(): Promise<TrustStoreState> {
      if (!layout)
        return unavailable('system', location, `no known system CA store found (looked for ${LOOKED_FOR}).`);
      const anchorFile = path.join(layout.anchorDir, `${ca.fileStem}${layout.extension}`);
      const update = layout.update.length > 0 ? env.findExecutable(layout.update[0]!) : undefined;
      if (layout.update.length > 0 && !update) {
        return unavailable('system', anchorFile, `${layout.update[0]} is not installed.`);
      }
      const current = env.readText(anchorFile);
      const present = current !== undefined && samePem(current, ca.certPem);
      const bundleText = layout.bundlePath ? env.readText(layout.bundlePath) : undefined;
      const inBundle =
        bundleText === undefined ||
        pemBodies(bundleText).has(pemBodies(ca.certPem).values().next().value ?? '');
      const trusted = present && inBundle;
      const writable = env.canWrite(layout.anchorDir);
      const status = {
        store: 'system' as const,
        location: anchorFile,
        trusted,
        available: writable,
        ...(writable
          ? present && !inBundle
            ? {
                reason: `the file is there but ${layout.bundlePath} does not hold it yet: ${layout.update.join(' ')} has not run.`,
              }
            : {}
          : { reason: 'needs root: run `sudo netlens ca --install --store system`.' }),
      };
      return {
        status,
        install: writable && !trusted ? systemInstallPlan(layout, anchorFile, ca, update) : [],
        uninstall: writable && current !== undefined ? systemUninstallPlan(layout, anchorFile, update) : [],
      };
    },
  };
}
