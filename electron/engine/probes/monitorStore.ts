/**
 * Persistence of monitor definitions in `<dataDir>/monitors.json`. A file that cannot be read or
 * parsed is reported and set aside (copied to monitors.json.bak) instead of stopping the engine,
 * so the user's definitions are never silently lost by the next save.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { monitorDefinitionProblem, type MonitorDefinition } from '../../../shared/monitor.js';
import { writeFileAtomically } from '../system/atomicFileWrite.js';

export const MONITORS_FILE = 'monitors.json';

export interface LoadedMonitors {
  monitors: MonitorDefinition[];
  /** One line per problem found (unreadable file, invalid entries skipped). */
  warnings: string[];
}

export function monitorsFilePath(dataDir: string): string {
  return path.join(dataDir, MONITORS_FILE);
}

/** Reads the definitions; never throws. Synchronous so list() works right after construction. */
export function loadMonitors(dataDir: string): LoadedMonitors {
  const file = monitorsFilePath(dataDir);
  if (!existsSync(file)) return { monitors: [], warnings: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { monitors: [], warnings: [setAside(file, `cannot be read (${reasonOf(error)})`)] };
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' &&
        parsed !== null &&
        Array.isArray((parsed as { monitors?: unknown }).monitors)
      ? (parsed as { monitors: unknown[] }).monitors
      : undefined;
  if (!list) return { monitors: [], warnings: [setAside(file, 'is not a list of monitors')] };
  const monitors: MonitorDefinition[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const problem = monitorDefinitionProblem(entry);
    if (problem) {
      warnings.push(`${file}: monitor #${index} skipped: ${problem}.`);
      return;
    }
    const def = normalizeDefinition(entry as MonitorDefinition);
    if (seen.has(def.id)) {
      warnings.push(`${file}: monitor #${index} skipped: duplicate id ${def.id}.`);
      return;
    }
    seen.add(def.id);
    monitors.push(def);
  });
  if (warnings.length > 0) warnings.push(setAside(file, ''));
  return { monitors, warnings };
}

/** Keeps only known fields, so the file never accumulates junk sent by a client. */
export function normalizeDefinition(def: MonitorDefinition): MonitorDefinition {
  const clean: MonitorDefinition = {
    id: def.id.trim(),
    name: def.name.trim(),
    target: def.target.trim(),
    intervalMs: Math.round(def.intervalMs),
    timeoutMs: Math.round(def.timeoutMs),
  };
  if (def.expectedStatus !== undefined) clean.expectedStatus = def.expectedStatus;
  if (def.enabled !== undefined) clean.enabled = def.enabled;
  if (def.insecure) clean.insecure = true;
  return clean;
}

/** Written whole or not at all, so a crash mid-write leaves the previous file intact. */
export async function saveMonitors(dataDir: string, monitors: readonly MonitorDefinition[]): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomically(monitorsFilePath(dataDir), (handle) =>
    handle.writeFile(`${JSON.stringify(monitors, null, 2)}\n`, 'utf8'),
  );
}

function setAside(file: string, problem: string): string {
  const backup = `${file}.bak`;
  try {
    copyFileSync(file, backup);
    return problem === ''
      ? `${file}: the original was kept as ${backup}.`
      : `${file} ${problem}; kept as ${backup}, starting with no monitors.`;
  } catch {
    return problem === ''
      ? `${file}: could not keep a copy of the original.`
      : `${file} ${problem}; starting with no monitors.`;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
