import type { CaStoreKind, CaStoreStatus } from '../../../../shared/caTrust.js';
import type { TrustStep } from './trustSteps.js';

/** A store's state as read now, with what installing or removing the CA would do from it. */
export interface TrustStoreState {
  status: CaStoreStatus;
  /** Empty when already trusted (install is idempotent) or when the store is unavailable. */
  install: TrustStep[];
  /** Empty when the CA is not there. */
  uninstall: TrustStep[];
}

export interface TrustStore {
  kind: CaStoreKind;
  location: string;
  inspect(): Promise<TrustStoreState>;
  /** Turns a failing step's message into what the user should know (e.g. a password-protected database). */
  explain?(message: string): string;
}

export function unavailable(kind: CaStoreKind, location: string, reason: string): TrustStoreState {
  return {
    status: { store: kind, location, trusted: false, available: false, reason },
    install: [],
    uninstall: [],
  };
}
