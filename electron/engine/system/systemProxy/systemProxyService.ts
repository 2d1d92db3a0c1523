/**
 * The system proxy's operations, shared by the engine (which owns the setting while it runs)
 * and the CLI (`netlens system-proxy`): turn on (journal first, then an all-or-nothing plan),
 * turn off (exactly the previous values, for the keys nobody changed since), recover after a
 * crash, and describe the state. See docs/system-proxy.md.
 */
import type { SystemProxyBackend, SystemProxyState } from '../../../../shared/systemProxy.js';
import { backendById, detectBackend } from './desktopDetection.js';
import { gnomeBackend } from './gnomeBackend.js';
import { kdeBackend } from './kdeBackend.js';
import { macosBackend } from './macosBackend.js';
import { windowsBackend } from './windowsBackend.js';
import type { NetlensProxyTarget, ProxyBackend } from './proxyBackend.js';
import { applyPlan, PlanFailure, runRestorePlan } from './planExecutor.js';
import {
  planChange,
  planCommands,
  restoreTarget,
  sameValue,
  type SettingValue,
  type SettingsRecord,
} from './settingsPlan.js';
import type { SystemCommand, SystemProxyEnvironment } from './systemCommand.js';
import { SystemProxyError } from './systemProxyError.js';
import {
  bootTimeMs,
  journalPath,
  ownerAlive,
  readJournal,
  removeJournal,
  writeJournal,
  type JournalLookup,
  type JournalOwner,
  type SystemProxyJournal,
} from './systemProxyJournal.js';
import { isTcpListening } from './tcpListening.js';
import { localTime } from './localTime.js';

export interface SystemProxyContext {
  dataDir: string;
  environment: SystemProxyEnvironment;
}

/** This process, when it may own the journal (the engine): its pid and whether it set the proxy. */
export interface SelfOwner {
  pid: number;
  owns: boolean;
}

const VALIDATORS: Record<SystemProxyBackend, ProxyBackend> = {
  gnome: gnomeBackend(),
  kde: kdeBackend({ read: 'kreadconfig5', write: 'kwriteconfig5' }),
  macos: macosBackend(),
  windows: windowsBackend(),
};

function validRecord(backend: SystemProxyBackend, record: SettingsRecord): boolean {
  const writer = VALIDATORS[backend];
  return Object.entries(record).every(([key, value]) => writer.isKey(key) && writer.isValue(key, value));
}

export function lookupJournal(dataDir: string): JournalLookup {
  return readJournal(dataDir, validRecord);
}

function journalBackend(ctx: SystemProxyContext, journal: SystemProxyJournal): ProxyBackend {
  const found = backendById(journal.backend, ctx.environment);
  if ('backend' in found) return found.backend;
  throw new SystemProxyError(
    `NetLens set the ${journal.backend} proxy setting (${journalPath(ctx.dataDir)}) but cannot restore it here: ${found.unsupported}`,
    'system_proxy_failed',
  );
}

export function detectedBackend(ctx: SystemProxyContext): ProxyBackend {
  const found = detectBackend(ctx.environment);
  if ('backend' in found) return found.backend;
  throw new SystemProxyError(found.unsupported, 'system_proxy_unsupported');
}

function ownerText(owner: JournalOwner): string {
  return owner.pid === undefined ? owner.name : `${owner.name} (pid ${owner.pid})`;
}

/** This process, when it is not an engine that may have set the proxy (the CLI). */
export const NOT_AN_OWNER: SelfOwner = { pid: process.pid, owns: false };

/** Whether the journal belongs to another process that is still running (and restores it itself). */
export function ownedByAnotherLiveProcess(
  journal: SystemProxyJournal,
  self: SelfOwner = NOT_AN_OWNER,
): boolean {
  return ownerAlive(journal, self.pid);
}

// ───────────────────────────── on ─────────────────────────────

export interface TurnOnRequest {
  target: NetlensProxyTarget;
  /** The proxy the OS sends traffic to (in pac mode, the one the PAC file names). */
  proxy: { host: string; port: number };
  owner: JournalOwner;
}

export interface TurnOnResult {
  backend: ProxyBackend;
  journal: SystemProxyJournal;
  /** Applications not told of the change, and the like. */
  warnings: string[];
}

/**
 * Reads the current setting, writes the journal, then sets NetLens's proxy all or nothing. The
 * caller resolves an existing journal first (restores its own, recovers a dead owner's).
 */
export async function turnOn(ctx: SystemProxyContext, request: TurnOnRequest): Promise<TurnOnResult> {
  const lookup = lookupJournal(ctx.dataDir);
  if (lookup.problem) throw new SystemProxyError(lookup.problem, 'system_proxy_journal');
  if (lookup.journal) {
    throw new SystemProxyError(
      `The system proxy is already set by ${ownerText(lookup.journal.owner)}; turn it off first (\`netlens system-proxy off\`).`,
      'system_proxy_busy',
    );
  }
  const backend = detectedBackend(ctx);
  const previous = await backend.read(ctx.environment.run);
  const applied = backend.desired(previous, request.target);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const journal: SystemProxyJournal = {
    version: 1,
    owner: request.owner,
    ...(uid !== undefined ? { uid } : {}),
    createdAtMs: Date.now(),
    backend: backend.id,
    mode: request.target.mode,
    proxy: request.proxy,
    ...(request.target.mode === 'pac' ? { pacUrl: request.target.pacUrl } : {}),
    previous,
    applied,
  };
  try {
    await writeJournal(ctx.dataDir, journal);
  } catch (error) {
    throw new SystemProxyError(
      `Could not write ${journalPath(ctx.dataDir)} (${(error as Error).message}); without it NetLens could not restore the proxy after a crash, so nothing was changed.`,
      'system_proxy_journal',
    );
  }
  try {
    const run = await applyPlan(planChange(backend, previous, applied, 'apply'), ctx.environment.run);
    return { backend, journal: await recordAsStored(ctx, backend, journal), warnings: run.warnings };
  } catch (error) {
    if (!(error instanceof PlanFailure)) throw error;
    if (error.undone) {
      await removeJournal(ctx.dataDir).catch(() => undefined);
      throw new SystemProxyError(`${error.message}`, 'system_proxy_failed');
    }
    throw new SystemProxyError(
      `${error.message} The previous values are kept in ${journalPath(ctx.dataDir)}: run \`netlens system-proxy off\` to try again.`,
      'system_proxy_failed',
    );
  }
}

/**
 * The OS may store a value in another spelling than NetLens wrote it (GVariant quoting, a list
 * normalised): the journal keeps what the OS now reports for each key NetLens changed, so `off`
 * recognises them as NetLens's and not as changed by someone else.
 */
async function recordAsStored(
  ctx: SystemProxyContext,
  backend: ProxyBackend,
  journal: SystemProxyJournal,
): Promise<SystemProxyJournal> {
  try {
    const stored = await backend.read(ctx.environment.run);
    const applied: Record<string, SettingValue> = { ...journal.applied };
    let differs = false;
    for (const key of Object.keys(applied)) {
      if (!(key in stored) || sameValue(journal.previous[key], applied[key])) continue;
      if (sameValue(stored[key], applied[key])) continue;
      applied[key] = stored[key]!;
      differs = true;
    }
    if (!differs) return journal;
    const updated = { ...journal, applied };
    await writeJournal(ctx.dataDir, updated);
    return updated;
  } catch {
    // The journal as planned still restores every key that NetLens changed.
    return journal;
  }
}

// ───────────────────────────── off ─────────────────────────────

export interface TurnOffResult {
  backend: ProxyBackend;
  /** What the setting is now, one line. */
  restored: string;
  warnings: string[];
}

function changedSinceWarning(backend: ProxyBackend, keys: string[]): string | undefined {
  if (keys.length === 0) return undefined;
  return `${keys.map((key) => backend.describeKey(key)).join(', ')} ${keys.length === 1 ? 'was' : 'were'} changed after NetLens set ${keys.length === 1 ? 'it' : 'them'}: left as ${keys.length === 1 ? 'it is' : 'they are'}.`;
}

/** Restores the journal's previous values (the keys still as NetLens left them), then removes it. */
export async function turnOff(ctx: SystemProxyContext, journal: SystemProxyJournal): Promise<TurnOffResult> {
  const backend = journalBackend(ctx, journal);
  const current = await backend.read(ctx.environment.run);
  const { target, changedSince } = restoreTarget(current, journal.applied, journal.previous);
  const run = await runRestorePlan(planChange(backend, current, target, 'restore'), ctx.environment.run);
  if (run.failures.length > 0) {
    throw new SystemProxyError(
      `Could not restore all of the system proxy: ${run.failures.join('; ')}. The previous values are kept in ${journalPath(ctx.dataDir)}: run \`netlens system-proxy off\` to try again.`,
      'system_proxy_failed',
    );
  }
  await removeJournal(ctx.dataDir);
  const warning = changedSinceWarning(backend, changedSince);
  return {
    backend,
    restored: backend.describe(target),
    warnings: [...(warning ? [warning] : []), ...run.warnings],
  };
}

// ───────────────────────────── crash recovery ─────────────────────────────

export interface Recovery {
  level: 'info' | 'warning';
  /** One line. */
  message: string;
}

/**
 * At the start of anything NetLens: a journal whose owner is gone (kill -9, power loss) is
 * restored, and the one-line message says so. A live owner's journal, or one set to stay until
 * `off` (no owner process), is left alone. Never throws: a problem is a warning line.
 */
export async function recoverSystemProxy(
  ctx: SystemProxyContext,
  self: SelfOwner = NOT_AN_OWNER,
): Promise<Recovery | undefined> {
  const lookup = lookupJournal(ctx.dataDir);
  if (lookup.problem) return { level: 'warning', message: `System proxy: ${lookup.problem}` };
  const journal = lookup.journal;
  if (!journal || journal.owner.pid === undefined) return undefined;
  if (self.owns && journal.owner.pid === self.pid) return undefined;
  if (ownedByAnotherLiveProcess(journal, self)) return undefined;
  const since = localTime(journal.createdAtMs);
  try {
    const result = await turnOff(ctx, journal);
    const extra = result.warnings.length > 0 ? ` ${result.warnings.join(' ')}` : '';
    return {
      level: 'info',
      message: `Restored the system proxy that ${ownerText(journal.owner)} set at ${since} and could not restore (it stopped without cleaning up): ${result.restored}.${extra}`,
    };
  } catch (error) {
    return {
      level: 'warning',
      message: `The system proxy that ${ownerText(journal.owner)} set at ${since} is still on and its owner is gone, but restoring it failed: ${(error as Error).message}`,
    };
  }
}

// ───────────────────────────── state ─────────────────────────────

async function describeCurrent(
  backend: ProxyBackend,
  ctx: SystemProxyContext,
): Promise<{ settings?: SettingsRecord; text: string; warning?: string }> {
  try {
    const settings = await backend.read(ctx.environment.run);
    return { settings, text: backend.describe(settings) };
  } catch (error) {
    return { text: 'unknown', warning: (error as Error).message };
  }
}

function proxyUrlOf(proxy: { host: string; port: number }): string {
  return `http://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

export async function readState(
  ctx: SystemProxyContext,
  self: SelfOwner = NOT_AN_OWNER,
): Promise<SystemProxyState> {
  const detection = detectBackend(ctx.environment);
  const lookup = lookupJournal(ctx.dataDir);
  const warnings: string[] = lookup.problem ? [lookup.problem] : [];
  const state: SystemProxyState = { supported: 'backend' in detection, active: false, current: 'unknown' };
  if ('unsupported' in detection) state.unsupportedReason = detection.unsupported;
  const journal = lookup.journal;
  let backend: ProxyBackend | undefined = 'backend' in detection ? detection.backend : undefined;
  if (journal) {
    const found = backendById(journal.backend, ctx.environment);
    if ('backend' in found) backend = found.backend;
    else
      warnings.push(
        `NetLens set the ${journal.backend} proxy setting but cannot read it here: ${found.unsupported}`,
      );
  }
  if (backend) {
    state.backend = backend.id;
    state.backendLabel = backend.label;
    const current = await describeCurrent(backend, ctx);
    state.current = current.text;
    if (current.warning) warnings.push(current.warning);
    if (journal) {
      state.active = true;
      state.mode = journal.mode;
      state.proxyUrl = proxyUrlOf(journal.proxy);
      if (journal.pacUrl) state.pacUrl = journal.pacUrl;
      state.owner = {
        name: journal.owner.name,
        ...(journal.owner.pid !== undefined ? { pid: journal.owner.pid } : {}),
        sinceMs: journal.createdAtMs,
        self: self.owns && journal.owner.pid === self.pid,
      };
      if (current.settings) {
        const restore = restoreTarget(current.settings, journal.applied, journal.previous);
        state.restore = backend.describe(restore.target);
        const changed = changedSinceWarning(backend, restore.changedSince);
        if (changed) warnings.push(changed);
      } else {
        state.restore = backend.describe(journal.previous);
      }
      if (
        journal.owner.pid === undefined &&
        !(await isTcpListening(journal.proxy.host, journal.proxy.port))
      ) {
        warnings.push(
          `Nothing listens on ${journal.proxy.host}:${journal.proxy.port} any more: applications using the system proxy get errors. Run \`netlens system-proxy off\`.`,
        );
      }
    }
  }
  if (warnings.length > 0) state.warnings = warnings;
  return state;
}

// ───────────────────────────── dry run ─────────────────────────────

export interface DryRun {
  backendLabel: string;
  platform: NodeJS.Platform;
  /** What `on` would run; empty when the setting already is that. */
  apply: SystemCommand[];
  /** What `off` would run afterwards to give back the current values. */
  restore: SystemCommand[];
}

/**
 * What `on` would run. With a journal in place (NetLens already set it, in the other mode) the
 * real `on` gives the previous setting back first: so does the plan.
 */
export async function planTurnOn(
  ctx: SystemProxyContext,
  target: NetlensProxyTarget,
  journal?: SystemProxyJournal,
): Promise<DryRun> {
  const backend = journal ? journalBackend(ctx, journal) : detectedBackend(ctx);
  const current = await backend.read(ctx.environment.run);
  const first = journal ? restoreTarget(current, journal.applied, journal.previous).target : current;
  const applied = backend.desired(first, target);
  return {
    backendLabel: backend.label,
    platform: ctx.environment.platform,
    apply: [
      ...(journal ? planCommands(planChange(backend, current, first, 'restore')) : []),
      ...planCommands(planChange(backend, first, applied, 'apply')),
    ],
    restore: planCommands(planChange(backend, applied, first, 'restore')),
  };
}

export async function planTurnOff(ctx: SystemProxyContext, journal: SystemProxyJournal): Promise<DryRun> {
  const backend = journalBackend(ctx, journal);
  const current = await backend.read(ctx.environment.run);
  const { target } = restoreTarget(current, journal.applied, journal.previous);
  return {
    backendLabel: backend.label,
    platform: ctx.environment.platform,
    apply: [],
    restore: planCommands(planChange(backend, current, target, 'restore')),
  };
}

/** The journal owner for this process. */
export function ownerOfThisProcess(name: string): JournalOwner {
  return { name, pid: process.pid, bootTimeMs: bootTimeMs() };
}
