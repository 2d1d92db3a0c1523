/**
 * DATA/system-proxy.json: written (atomically, readable by the user only) BEFORE NetLens changes
 * the OS proxy, removed once the previous setting is back. It holds who set it, when, where it
 * points, the exact previous values and what was applied — everything `off` and crash recovery
 * need, even after kill -9 or a power loss. A journal whose owner process is gone (or that was
 * written before the last boot) is restored by the next NetLens that starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SystemProxyBackend } from '../../../../shared/systemProxy.js';
import { writeFileAtomically } from '../atomicFileWrite.js';
import { isProcessAlive } from '../processAlive.js';
import type { SettingValue, SettingsRecord } from './settingsPlan.js';

export const SYSTEM_PROXY_JOURNAL = 'system-proxy.json';
export const JOURNAL_VERSION = 1;

export interface JournalOwner {
  /** What set it: `netlens proxy`, `the NetLens app`, `netlens system-proxy on --proxy`. */
  name: string;
  /** The process that restores it when it stops; absent for a setting that stays until `off`. */
  pid?: number;
  /** When the machine booted, by that process's clock: a pid from an earlier boot is not alive. */
  bootTimeMs?: number;
}

export interface SystemProxyJournal {
  version: typeof JOURNAL_VERSION;
  owner: JournalOwner;
  /** The OS user whose setting this is (POSIX uid). */
  uid?: number;
  createdAtMs: number;
  backend: SystemProxyBackend;
  mode: 'manual' | 'pac';
  /** Where the OS sends traffic: NetLens's `system` listener, or the --proxy given. */
  proxy: { host: string; port: number };
  pacUrl?: string;
  previous: SettingsRecord;
  applied: SettingsRecord;
}

export interface JournalLookup {
  journal?: SystemProxyJournal;
  /** Why the file cannot be used, one line with what to do; the file is left in place. */
  problem?: string;
}

export function journalPath(dataDir: string): string {
  return path.join(dataDir, SYSTEM_PROXY_JOURNAL);
}

/** Boot time by this machine's clock (ms since the epoch). */
export function bootTimeMs(): number {
  return Date.now() - os.uptime() * 1000;
}

/** Clock adjustments move the computed boot time a little; a reboot moves it a lot. */
const SAME_BOOT_TOLERANCE_MS = 5 * 60_000;
/** A process that started this long after the journal was written cannot have written it. */
const PID_REUSE_TOLERANCE_MS = 60_000;

/**
 * Whether the journal's owner process is still running (so it will restore by itself). A pid
 * from an earlier boot, or one that a process started after the journal was written now has
 * (Linux tells when a process started), is not the owner. `selfPid` is this process, which is
 * never the owner of a journal it did not write itself.
 */
export function ownerAlive(journal: SystemProxyJournal, selfPid?: number): boolean {
  const { pid, bootTimeMs: ownerBoot } = journal.owner;
  if (pid === undefined || pid === selfPid) return false;
  if (ownerBoot !== undefined && Math.abs(ownerBoot - bootTimeMs()) > SAME_BOOT_TOLERANCE_MS) return false;
  if (!isProcessAlive(pid)) return false;
  const startedAtMs = linuxProcessStartMs(pid);
  return startedAtMs === undefined || startedAtMs <= journal.createdAtMs + PID_REUSE_TOLERANCE_MS;
}

/** When a process started (Linux: /proc/PID/stat field 22, in clock ticks of 1/100 s since boot). */
function linuxProcessStartMs(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? bootTimeMs() + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

export async function writeJournal(dataDir: string, journal: SystemProxyJournal): Promise<void> {
  await writeFileAtomically(journalPath(dataDir), async (handle) => {
    await handle.chmod(0o600);
    await handle.writeFile(`${JSON.stringify(journal, null, 2)}\n`);
  });
}

export async function removeJournal(dataDir: string): Promise<void> {
  await fs.promises.rm(journalPath(dataDir), { force: true });
}

const FIX =
  'Check the proxy setting yourself (`netlens system-proxy status` shows it), then delete the file.';

export function readJournal(
  dataDir: string,
  validate: (backend: SystemProxyBackend, record: SettingsRecord) => boolean,
  uid = typeof process.getuid === 'function' ? process.getuid() : undefined,
): JournalLookup {
  const file = journalPath(dataDir);
  let text: string;
  try {
    if (uid !== undefined) {
      const owner = fs.statSync(file).uid;
      if (owner !== uid) {
        return {
          problem: `${file} belongs to another user (uid ${owner}); NetLens running as uid ${uid} leaves it and that user's proxy setting alone. Run NetLens as that user to restore it.`,
        };
      }
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    return { problem: `${file} cannot be read (${code ?? (error as Error).message}). ${FIX}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `${file} is not valid JSON, so NetLens cannot tell what to restore. ${FIX}` };
  }
  const journal = parseJournal(value, validate);
  if (typeof journal === 'string')
    return { problem: `${file} is not a NetLens system-proxy journal (${journal}). ${FIX}` };
  if (uid !== undefined && journal.uid !== undefined && journal.uid !== uid) {
    return {
      problem: `${file} was written for another user (uid ${journal.uid}); NetLens running as uid ${uid} leaves it alone. Run NetLens as that user to restore it.`,
    };
  }
  return { journal };
}

const BACKENDS: readonly SystemProxyBackend[] = ['gnome', 'kde', 'macos', 'windows'];

function isSettingValue(value: unknown): value is SettingValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string');
  if (typeof value === 'object') return Object.values(value as object).every(isSettingValue);
  return false;
}

function isRecord(value: unknown): value is SettingsRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(isSettingValue)
  );
}

/** The journal, or what is wrong with it. */
function parseJournal(
  value: unknown,
  validate: (backend: SystemProxyBackend, record: SettingsRecord) => boolean,
): SystemProxyJournal | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v.version !== JOURNAL_VERSION)
    return `version ${JSON.stringify(v.version)}, expected ${JOURNAL_VERSION}`;
  const owner = v.owner as Record<string, unknown> | undefined;
  if (typeof owner !== 'object' || owner === null || typeof owner.name !== 'string') return 'no owner';
  if (owner.pid !== undefined && (!Number.isInteger(owner.pid) || (owner.pid as number) <= 0))
    return 'bad owner pid';
  if (owner.bootTimeMs !== undefined && typeof owner.bootTimeMs !== 'number') return 'bad owner boot time';
  if (typeof v.backend !== 'string' || !BACKENDS.includes(v.backend as SystemProxyBackend))
    return `unknown backend ${JSON.stringify(v.backend)}`;
  if (v.mode !== 'manual' && v.mode !== 'pac') return `unknown mode ${JSON.stringify(v.mode)}`;
  const proxy = v.proxy as Record<string, unknown> | undefined;
  if (
    typeof proxy !== 'object' ||
    proxy === null ||
    typeof proxy.host !== 'string' ||
    !Number.isInteger(proxy.port)
  )
    return 'no proxy address';
  if (typeof v.createdAtMs !== 'number') return 'no creation time';
  if (v.uid !== undefined && !Number.isInteger(v.uid)) return 'bad uid';
  if (v.pacUrl !== undefined && typeof v.pacUrl !== 'string') return 'bad PAC URL';
  const backend = v.backend as SystemProxyBackend;
  if (!isRecord(v.previous) || !validate(backend, v.previous)) return 'the previous values are malformed';
  if (!isRecord(v.applied) || !validate(backend, v.applied)) return 'the applied values are malformed';
  const journal: SystemProxyJournal = {
    version: JOURNAL_VERSION,
    owner: {
      name: owner.name,
      ...(owner.pid !== undefined ? { pid: owner.pid as number } : {}),
      ...(owner.bootTimeMs !== undefined ? { bootTimeMs: owner.bootTimeMs as number } : {}),
    },
    createdAtMs: v.createdAtMs,
    backend,
    mode: v.mode,
    proxy: { host: proxy.host, port: proxy.port as number },
    previous: v.previous,
    applied: v.applied,
  };
  if (v.uid !== undefined) journal.uid = v.uid as number;
  if (v.pacUrl !== undefined) journal.pacUrl = v.pacUrl as string;
  return journal;
}
