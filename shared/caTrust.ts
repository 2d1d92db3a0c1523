/** Where the NetLens CA is trusted (DESIGN.md, Interception: `netlens ca --install|--uninstall|--status`). */
export type CaStore = 'user' | 'nss' | 'system' | 'all';

export interface CaStoreStatus {
  /** e.g. `nss` (~/.pki/nssdb), `firefox` (one profile), `system`, `keychain`, `windows-user`. */
  store: string;
  /** Where: a path, a keychain or a registry store. */
  location: string;
  trusted: boolean;
  /** The store exists and its tool is there (certutil, security...). */
  available: boolean;
  /** Why not available, or what to do. */
  reason?: string;
}

export interface CaTrustStatus {
  caCertPath: string;
  stores: CaStoreStatus[];
}
