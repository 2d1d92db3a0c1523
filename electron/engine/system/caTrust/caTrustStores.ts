/**
 * `netlens ca --install|--uninstall|--status [--store …]` (DESIGN.md, Interception): which stores
 * a selection means on this OS (shared/caTrust.ts says what `user` means per OS), their state,
 * and the changes, store by store. Installing is idempotent (a trusted store is left alone), and
 * a store that fails does not hide what was done to the others: every selected store reports
 * its own outcome.
 */
import path from 'node:path';
import type { CaStore, CaStoreChange, CaTrustStatus } from '../../../../shared/caTrust.js';
import type { CaIdentity } from './caIdentity.js';
import { discoverFirefoxProfiles, firefoxProfileRoots } from './firefoxProfiles.js';
import { keychainStore } from './keychainStore.js';
import { nssStore, sharedNssDir } from './nssStore.js';
import { linuxSystemStore } from './systemStore.js';
import type { TrustEnvironment } from './trustEnvironment.js';
import { TrustStepError, runTrustSteps } from './trustStepRunner.js';
import { unavailable, type TrustStore, type TrustStoreState } from './trustStore.js';
import { describeStep } from './trustSteps.js';
import { windowsRootStore } from './windowsRootStore.js';

/** A store that does not exist on this OS or machine, with the reason (shown by --status). */
function absentStore(kind: TrustStore['kind'], location: string, reason: string): TrustStore {
  return { kind, location, inspect: () => Promise.resolve(unavailable(kind, location, reason)) };
}

const ENTERPRISE_ROOTS_NOTE =
  'Firefox 120 and later trusts the roots of the OS store (security.enterprise_roots.enabled): use --store user.';

function firefoxStores(env: TrustEnvironment, ca: CaIdentity): TrustStore[] {
  const roots = firefoxProfileRoots(env.platform, env.homeDir, env.env);
  if (env.platform !== 'linux' && !env.findExecutable('certutil')) {
    return [
      absentStore('firefox', roots[0]!, `NSS certutil is not installed here; ${ENTERPRISE_ROOTS_NOTE}`),
    ];
  }
  const profiles = discoverFirefoxProfiles(roots, env.readText, env.platform);
  if (profiles.length === 0) {
    return [
      absentStore(
        'firefox',
        roots[0]!,
        `no Firefox profile found (looked for profiles.ini in ${roots.join(', ')}).`,
      ),
    ];
  }
  return profiles.map((profile) => nssStore(env, ca, 'firefox', profile.dir));
}

/** The concrete stores a selection names on this OS, in the order they are changed. */
export function trustStoresFor(selection: CaStore, env: TrustEnvironment, ca: CaIdentity): TrustStore[] {
  const { platform } = env;
  const user = (): TrustStore[] => {
    if (env.sudoUser !== undefined) {
      // Root would change root's stores, or leave root-owned files in the user's: neither helps.
      const reason = `under sudo: run \`netlens ca --install\` as ${env.sudoUser}, without sudo, for your own stores.`;
      return [absentStore(platform === 'darwin' ? 'keychain' : 'nss', env.homeDir, reason)];
    }
    if (platform === 'darwin') return [keychainStore(env, ca, 'login')];
    if (platform === 'win32') return [windowsRootStore(env, ca)];
    return [nssStore(env, ca, 'nss', sharedNssDir(env.homeDir)), ...firefoxStores(env, ca)];
  };
  const system = (): TrustStore[] => {
    if (platform === 'darwin') return [keychainStore(env, ca, 'system')];
    if (platform === 'win32') {
      return [
        absentStore(
          'system',
          'LocalMachine\\Root',
          "not supported: use --store user (the current user's Root store, which every program of this user trusts).",
        ),
      ];
    }
    return [linuxSystemStore(env, ca)];
  };
  switch (selection) {
    case 'user':
      return user();
    case 'nss':
      if (platform === 'linux') return [nssStore(env, ca, 'nss', sharedNssDir(env.homeDir))];
      return [
        absentStore(
          'nss',
          path.join(env.homeDir, '.pki', 'nssdb'),
          `there is no shared NSS database on ${platform === 'darwin' ? 'macOS' : 'Windows'}: Chrome, Edge and Brave use the OS store (--store user).`,
        ),
      ];
    case 'firefox':
      return firefoxStores(env, ca);
    case 'system':
      return system();
    case 'all':
      return [...user(), ...system()];
  }
}

export interface InspectedStore {
  store: TrustStore;
  state: TrustStoreState;
}

export async function inspectStores(stores: readonly TrustStore[]): Promise<InspectedStore[]> {
  const inspected: InspectedStore[] = [];
  for (const store of stores) inspected.push({ store, state: await store.inspect() });
  return inspected;
}

export async function caTrustStatus(
  env: TrustEnvironment,
  ca: CaIdentity,
  selection: CaStore = 'all',
): Promise<CaTrustStatus> {
  const inspected = await inspectStores(trustStoresFor(selection, env, ca));
  return {
    caCertPath: ca.certPath,
    caFingerprint256: ca.fingerprint256,
    stores: inspected.map(({ state }) => state.status),
  };
}

export type TrustAction = 'install' | 'uninstall';

export interface PlannedChange {
  store: TrustStore['kind'];
  location: string;
  /** Empty: nothing to do (see `note`). */
  steps: string[];
  note?: string;
}

/** What `--dry-run` prints: each selected store with the commands it would run. */
export async function planCaTrust(
  env: TrustEnvironment,
  ca: CaIdentity,
  action: TrustAction,
  selection: CaStore,
): Promise<PlannedChange[]> {
  const inspected = await inspectStores(trustStoresFor(selection, env, ca));
  return inspected.map(({ state }) => {
    const steps = action === 'install' ? state.install : state.uninstall;
    const planned: PlannedChange = {
      store: state.status.store,
      location: state.status.location,
      steps: steps.map(describeStep),
    };
    if (!state.status.available) planned.note = `skipped: ${state.status.reason ?? 'not available'}`;
    else if (steps.length === 0)
      planned.note = action === 'install' ? 'already trusted' : 'the CA is not there';
    return planned;
  });
}

/**
 * Installs or removes the CA in every selected store, one after the other; a failure in one
 * store is recorded and the next store is still handled. Each change is checked by reading the
 * store again, so `installed` means the store now trusts the CA.
 */
export async function changeCaTrust(
  env: TrustEnvironment,
  ca: CaIdentity,
  action: TrustAction,
  selection: CaStore,
): Promise<CaTrustStatus & { changes: CaStoreChange[] }> {
  const changes: CaStoreChange[] = [];
  const finalStatus: CaTrustStatus['stores'] = [];
  for (const store of trustStoresFor(selection, env, ca)) {
    const state = await store.inspect();
    const { status } = state;
    const base = { store: status.store, location: status.location };
    if (!status.available) {
      changes.push({ ...base, outcome: 'skipped', message: status.reason ?? 'not available' });
      finalStatus.push(status);
      continue;
    }
    const steps = action === 'install' ? state.install : state.uninstall;
    if (steps.length === 0) {
      changes.push({
        ...base,
        outcome: 'unchanged',
        message: action === 'install' ? 'already trusted' : 'the CA is not there',
      });
      finalStatus.push(status);
      continue;
    }
    try {
      await runTrustSteps(steps, env);
    } catch (error) {
      const message = error instanceof TrustStepError ? error.message : (error as Error).message;
      changes.push({ ...base, outcome: 'failed', message: store.explain ? store.explain(message) : message });
      finalStatus.push((await store.inspect()).status);
      continue;
    }
    const after = await store.inspect();
    finalStatus.push(after.status);
    const done = action === 'install' ? after.status.trusted : after.uninstall.length === 0;
    if (done) {
      changes.push({
        ...base,
        location: after.status.location,
        outcome: action === 'install' ? 'installed' : 'removed',
      });
    } else {
      changes.push({
        ...base,
        outcome: 'failed',
        message:
          action === 'install'
            ? 'the commands succeeded but the store still does not trust the CA.'
            : 'the commands succeeded but the CA is still there.',
      });
    }
  }
  return { caCertPath: ca.certPath, caFingerprint256: ca.fingerprint256, stores: finalStatus, changes };
}
