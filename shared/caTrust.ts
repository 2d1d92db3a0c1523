/**
 * Where the NetLens CA is trusted (DESIGN.md, Interception: `netlens ca --install|--uninstall|--status`).
 *
 * A selection (`--store`) names a group of stores; what `user` means depends on the OS:
 * - Linux: `nss` (the shared NSS database ~/.pki/nssdb: Chromium, Chrome, Edge, Brave) and
 *   `firefox` (every Firefox profile's own NSS database); `system` is the distribution's store.
 * - macOS: the login keychain (trusted as a root for the user).
 * - Windows: the current user's Root certificate store.
 * `all` is `user` plus `system`.
 */
export type CaStore = 'user' | 'nss' | 'firefox' | 'system' | 'all';

export const CA_STORES: readonly CaStore[] = ['user', 'nss', 'firefox', 'system', 'all'];

/** One concrete trust store. */
export type CaStoreKind = 'nss' | 'firefox' | 'system' | 'keychain' | 'windows-user';

export interface CaStoreStatus {
  store: CaStoreKind;
  /** Where: a path, a keychain or a certificate store. */
  location: string;
  trusted: boolean;
  /** The store exists (or can be created) and its tool is there (certutil, security...). */
  available: boolean;
  /** Why not available, or what to know (e.g. "restart Firefox"). */
  reason?: string;
}

/** What an install or uninstall did to one store. */
export type CaChangeOutcome = 'installed' | 'removed' | 'unchanged' | 'skipped' | 'failed';

export interface CaStoreChange {
  store: CaStoreKind;
  location: string;
  outcome: CaChangeOutcome;
  /** Why skipped or failed; for `unchanged`, what already was the case. */
  message?: string;
}

export interface CaTrustStatus {
  caCertPath: string;
  /** SHA-256 fingerprint `AA:BB:…`, as trust-store UIs show it. */
  caFingerprint256: string;
  stores: CaStoreStatus[];
  /** After `ca:install` / `ca:uninstall`: what happened to each selected store, in order. */
  changes?: CaStoreChange[];
}
