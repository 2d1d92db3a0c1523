/**
 * `ca:status`, `ca:install`, `ca:uninstall` (the Intercept view's CA card): the same stores and
 * outcomes as `netlens ca --status|--install|--uninstall`, for the engine's own CA.
 */
import fs from 'node:fs';
import { CA_STORES, type CaTrustStatus } from '../../../shared/caTrust.js';
import type { Engine } from '../engine.js';
import { caIdentityOf, type CaIdentity } from '../system/caTrust/caIdentity.js';
import { caTrustStatus, changeCaTrust } from '../system/caTrust/caTrustStores.js';
import { systemTrustEnvironment, type TrustEnvironment } from '../system/caTrust/trustEnvironment.js';
import { argList, enumArg } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

export function caHandlers(
  engine: Engine,
  environment: () => TrustEnvironment = () => systemTrustEnvironment(),
): Partial<HandlerTable> {
  const identity = async (): Promise<CaIdentity> =>
    caIdentityOf(await fs.promises.readFile(engine.caCertPath, 'utf8'), engine.caCertPath);
  const parseStore = (args: unknown) => {
    const [store] = argList(args, 1);
    return [enumArg(store, 'store', CA_STORES)] as [(typeof CA_STORES)[number]];
  };
  return {
    'ca:status': {
      parse: (args) => argList(args, 0) as [],
      handle: async (): Promise<CaTrustStatus> => caTrustStatus(environment(), await identity(), 'all'),
    },
    'ca:install': {
      parse: parseStore,
      handle: async (store) => changeCaTrust(environment(), await identity(), 'install', store),
    },
    'ca:uninstall': {
      parse: parseStore,
      handle: async (store) => changeCaTrust(environment(), await identity(), 'uninstall', store),
    },
  };
}
