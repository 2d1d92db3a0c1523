/**
 * An NSS certificate database (Chromium's ~/.pki/nssdb, a Firefox profile) handled through
 * NSS's `certutil` (Debian/Ubuntu: libnss3-tools, Fedora: nss-tools, Arch: nss). The `sql:`
 * prefix selects the SQLite format (cert9.db) every current NSS reads.
 */
import path from 'node:path';
import type { CaIdentity } from './caIdentity.js';
import type { TrustStep } from './trustSteps.js';

/** Trust flags for a CA that issues TLS server certificates: `C` in the SSL column, nothing else. */
export const NSS_CA_TRUST = 'C,,';

export const NSS_DB_FILE = 'cert9.db';

export const CERTUTIL_MISSING_MESSAGE =
  'certutil (the NSS tools) is not installed: install libnss3-tools (Debian/Ubuntu), nss-tools (Fedora/RHEL) or nss (Arch), then try again.';

export interface NssEntry {
  nickname: string;
  /** `SSL,S/MIME,JAR/XPI` trust flags, e.g. `C,,` or `CT,C,C`. */
  trust: string;
}

/** Parses `certutil -L -d sql:DIR`: a header, then one line per certificate, trust flags last. */
export function parseCertutilList(text: string): NssEntry[] {
  const entries: NssEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const match = /^(.*\S)\s+([a-zA-Z]*,[a-zA-Z]*,[a-zA-Z]*)$/.exec(line);
    if (!match) continue;
    const nickname = match[1]!.trim();
    if (nickname === 'Certificate Nickname') continue;
    entries.push({ nickname, trust: match[2]! });
  }
  return entries;
}

/** The CA is trusted when its entry says `C` (a trusted CA) in the SSL column. */
export function isTrustedIn(entries: readonly NssEntry[], nickname: string): boolean {
  return entries.some(
    (entry) => entry.nickname === nickname && (entry.trust.split(',')[0] ?? '').includes('C'),
  );
}

export function isListedIn(entries: readonly NssEntry[], nickname: string): boolean {
  return entries.some((entry) => entry.nickname === nickname);
}

export function nssDbArgument(dir: string): string {
  return `sql:${dir}`;
}

export function nssListArgs(dir: string): string[] {
  return ['-L', '-d', nssDbArgument(dir)];
}

/**
 * Adds the CA: creates the database first when it does not exist (an empty password, as
 * Chromium's and a new Firefox profile's are), then adds the certificate, or sets its trust
 * when it is listed without it. `-f /dev/null`: a database with a password fails at once
 * instead of waiting at a prompt nobody sees.
 */
export function nssInstallPlan(options: {
  certutil: string;
  dir: string;
  dbExists: boolean;
  listed: boolean;
  ca: CaIdentity;
}): TrustStep[] {
  const { certutil, dir, ca } = options;
  const db = nssDbArgument(dir);
  const steps: TrustStep[] = [];
  if (!options.dbExists) {
    steps.push({ kind: 'mkdir', path: dir, mode: 0o700 });
    steps.push({ kind: 'run', command: certutil, args: ['-N', '-d', db, '--empty-password'] });
  }
  if (options.listed) {
    steps.push({
      kind: 'run',
      command: certutil,
      args: ['-M', '-d', db, '-n', ca.nickname, '-t', NSS_CA_TRUST, '-f', '/dev/null'],
    });
  } else {
    steps.push({
      kind: 'run',
      command: certutil,
      args: ['-A', '-d', db, '-n', ca.nickname, '-t', NSS_CA_TRUST, '-i', ca.certPath, '-f', '/dev/null'],
    });
  }
  return steps;
}

export function nssUninstallPlan(options: {
  certutil: string;
  dir: string;
  listed: boolean;
  ca: CaIdentity;
}): TrustStep[] {
  if (!options.listed) return [];
  return [
    {
      kind: 'run',
      command: options.certutil,
      args: ['-D', '-d', nssDbArgument(options.dir), '-n', options.ca.nickname, '-f', '/dev/null'],
    },
  ];
}

/** A clearer word for what certutil says about a database it cannot change. */
export function explainCertutilFailure(message: string, dir: string): string {
  if (/SEC_ERROR_BAD_PASSWORD|could not authenticate/i.test(message)) {
    return `the NSS database ${dir} is protected by a password (Firefox: a Primary Password); import the NetLens CA in the browser's certificate settings instead.`;
  }
  if (/SEC_ERROR_READ_ONLY|read-only|Permission denied|SEC_ERROR_BAD_DATABASE/i.test(message)) {
    return `${message} (is ${path.join(dir, NSS_DB_FILE)} writable by you?)`;
  }
  return message;
}
