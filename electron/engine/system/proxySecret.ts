/**
 * The proxy's secret for proxy authentication, made once per data directory and kept in
 * `DATA/proxy-secret` (readable by the user only), so clients configured once (a container's
 * `HTTP_PROXY`) keep working across restarts. Needed only when the proxy listens beyond loopback.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeTextFileAtomically } from './atomicFileWrite.js';

export const PROXY_SECRET_FILE = 'proxy-secret';

export async function loadOrCreateProxySecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, PROXY_SECRET_FILE);
  try {
    const text = (await fs.promises.readFile(file, 'utf8')).trim();
    if (/^[A-Za-z0-9_-]{16,128}$/.test(text)) return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 24 random bytes: base64url keeps it usable verbatim in a proxy URL's password.
  const secret = randomBytes(24).toString('base64url');
  await writeTextFileAtomically(file, `${secret}\n`);
  return secret;
}
