/**
 * NODE_EXTRA_CA_CERTS in the packaged app. Its EnableNodeOptionsEnvironmentVariable fuse is off
 * (electron-builder.yml), which also stops Node from reading NODE_EXTRA_CA_CERTS — yet users
 * rely on it to make NetLens trust a corporate or test CA for upstream servers, as the CLI does.
 * So the app reads the file itself, at start and before any TLS connection, and adds its
 * certificates to the process's default trust store: the proxy, the probes and the monitors
 * then verify upstream servers exactly as under plain Node.
 */
import type tls from 'node:tls';

/** The parts of node:tls used here: both are recent (Node 22.15 and 22.19), absent before. */
interface TlsStore {
  getCACertificates?: (typeof tls)['getCACertificates'];
  setDefaultCACertificates?: (certs: readonly string[]) => void;
}

export type ExtraCaOutcome =
  | { status: 'unset' | 'applied-by-node' }
  | { status: 'added'; count: number }
  | { status: 'failed'; message: string };

/** The PEM certificate blocks of a file (a bundle may hold several). */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

export function applyExtraCaCertificates(
  env: NodeJS.ProcessEnv,
  store: TlsStore,
  readFile: (file: string) => string,
): ExtraCaOutcome {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return { status: 'unset' };
  const { getCACertificates, setDefaultCACertificates } = store;
  if (typeof getCACertificates !== 'function' || typeof setDefaultCACertificates !== 'function') {
    return {
      status: 'failed',
      message: `NODE_EXTRA_CA_CERTS (${file}) is ignored: this Node.js cannot add CAs.`,
    };
  }
  // Node read it itself (no fuse, e.g. `npm start` from source): nothing to do.
  if (getCACertificates('extra').length > 0) return { status: 'applied-by-node' };
  let certificates: string[];
  try {
    certificates = pemCertificates(readFile(file));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status: 'failed', message: `NODE_EXTRA_CA_CERTS (${file}) could not be read: ${reason}` };
  }
  if (certificates.length === 0) {
    return { status: 'failed', message: `NODE_EXTRA_CA_CERTS (${file}) holds no PEM certificate.` };
  }
  try {
    setDefaultCACertificates([...getCACertificates('default'), ...certificates]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status: 'failed', message: `NODE_EXTRA_CA_CERTS (${file}) was not accepted: ${reason}` };
  }
  return { status: 'added', count: certificates.length };
}
