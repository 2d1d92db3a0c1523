import { loadOrCreateCA } from '../electron/engine/tls/certificateAuthority.js';
import { LeafCertCache } from '../electron/engine/tls/leafCertCache.js';
import { startBenchOrigin } from './benchOrigin.js';
import { runH2Load } from './h2Load.js';
const ca = await loadOrCreateCA('/tmp/h2t-ca');
const leaf = new LeafCertCache(ca).get('127.0.0.1');
const origin = await startBenchOrigin({ certPem: leaf.certPem, keyPem: leaf.keyPem });
const route = { kind: 'proxy' as const, host: '127.0.0.1', port: Number(process.env.PROXY_PORT) };
for (let i = 0; i < 3; i++) {
  const r = await runH2Load({ origin: { secure: true, host: '127.0.0.1', port: origin.h2Port }, route, clientTls: { ca: [ca.certPem] }, path: '/small', sessions: 4, streamsPerSession: 8, warmupMs: 1000, durationMs: 3000 });
  console.log(r.errors, r.requestsPerSecond);
}
await origin.close();
process.exit(0);
