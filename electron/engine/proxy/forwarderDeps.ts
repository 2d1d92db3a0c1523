import type tls from 'node:tls';
import type { Settings } from '../../../shared/settings.js';
import type { ExchangeSink } from './exchangeSink.js';
import type { Http2SessionPool } from './http2SessionPool.js';
import type { InternedStrings } from './internedStrings.js';
import type { IpLiterals } from './ipLiterals.js';
import type { UpstreamAgents } from './upstreamAgent.js';
import type { RuleSet } from '../rules/ruleSet.js';

/** What every forwarder of one proxy shares (owned by its ProxyServer: nothing is module-wide). */
export interface ForwarderDeps {
  settings(): Settings;
  sink: ExchangeSink;
  agents: UpstreamAgents;
  /** Upstream HTTP/2 sessions, and what each origin is known to speak. */
  http2Pool: Http2SessionPool;
  /** Shared strings of recorded heads. */
  strings: InternedStrings;
  ipLiterals: IpLiterals;
  /**
   * Trust store for upstream certificates when it differs from Node's default (see
   * ProxyServerOptions), built once: parsing ~150 roots per connection would cost milliseconds.
   */
  upstreamSecureContext?: tls.SecureContext;
  /** The rules in force (electron/engine/rules/), asked once per request; none: nothing is matched. */
  rules?: () => RuleSet | undefined;
}
