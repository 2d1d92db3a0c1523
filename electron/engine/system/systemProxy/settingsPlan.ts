/**
 * Plans as data. Every backend reads the OS proxy setting into a flat record — one entry per
 * setting the OS stores (`mode`, `http/host`, `Wi-Fi/web`, `ProxyServer`) with its exact value —
 * and knows the commands that give one entry a value. From two records the plan follows: one
 * step per entry that differs, each with the commands that undo it, so a failure midway can put
 * back exactly what was changed and nothing else.
 */
import type { SystemCommand } from './systemCommand.js';

/** A setting's exact value as the OS reported it; `null` when the OS has no value for it. */
export type SettingValue =
  string | number | boolean | null | readonly string[] | { readonly [field: string]: SettingValue };

export type SettingsRecord = Readonly<Record<string, SettingValue>>;

export interface PlanStep {
  /** The setting this step changes, e.g. `org.gnome.system.proxy mode`. */
  setting: string;
  commands: SystemCommand[];
  /** What puts that setting back as it was before the step. */
  undo: SystemCommand[];
}

export interface SettingsPlan {
  steps: PlanStep[];
  /** Tells running applications the setting changed; best effort (a failure is a warning). */
  notify: SystemCommand[];
}

/** What the generic planner needs from a backend. */
export interface SettingsWriter {
  /** The keys in the order they change when NetLens turns the proxy on: details first, the switch last. */
  order(keys: string[]): string[];
  /** Commands that change `key` from `from` to `to` (`null`: the OS has no value, remove it). */
  commandsFor(key: string, from: SettingValue, to: SettingValue): SystemCommand[];
  /** How a key is named to the user. */
  describeKey(key: string): string;
  notify: SystemCommand[];
}

export function sameValue(a: SettingValue | undefined, b: SettingValue | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: SettingValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${(value as readonly string[]).map((v) => JSON.stringify(v)).join(',')}]`;
  const record = value as { readonly [field: string]: SettingValue };
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
    .join(',')}}`;
}

/**
 * The plan from `from` to `to`: `apply` changes keys in the writer's order (the switch last, so
 * no application sees the switch on with half of the details), `restore` in the reverse order
 * (the switch first). Keys only one record has are left alone.
 */
export function planChange(
  writer: SettingsWriter,
  from: SettingsRecord,
  to: SettingsRecord,
  direction: 'apply' | 'restore',
): SettingsPlan {
  const keys = writer.order(Object.keys(to).filter((key) => key in from));
  const ordered = direction === 'apply' ? keys : [...keys].reverse();
  const steps: PlanStep[] = [];
  for (const key of ordered) {
    const before = from[key]!;
    const after = to[key]!;
    if (sameValue(before, after)) continue;
    steps.push({
      setting: writer.describeKey(key),
      commands: writer.commandsFor(key, before, after),
      undo: writer.commandsFor(key, after, before),
    });
  }
  return { steps, notify: steps.length > 0 ? writer.notify : [] };
}

export interface RestoreTarget {
  /** `current` with every key NetLens set (and nobody changed since) back at its previous value. */
  target: SettingsRecord;
  /** Keys someone else changed after NetLens set them: left as they are now. */
  changedSince: string[];
}

/**
 * What `off` sets: each key that still holds what NetLens applied goes back to its previous
 * value; a key that holds something else was changed by the user (or another tool) since, and
 * is theirs — NetLens never overwrites it. A key that was never applied (a crash midway) still
 * holds its previous value and needs nothing.
 */
export function restoreTarget(
  current: SettingsRecord,
  applied: SettingsRecord,
  previous: SettingsRecord,
): RestoreTarget {
  const target: Record<string, SettingValue> = { ...current };
  const changedSince: string[] = [];
  for (const key of Object.keys(previous)) {
    if (!(key in current) || !(key in applied)) continue;
    if (sameValue(applied[key], previous[key])) continue;
    if (sameValue(current[key], applied[key])) target[key] = previous[key]!;
    else if (!sameValue(current[key], previous[key])) changedSince.push(key);
  }
  return { target, changedSince };
}

/** The commands of a plan, in the order they run. */
export function planCommands(plan: SettingsPlan): SystemCommand[] {
  return [...plan.steps.flatMap((step) => step.commands), ...plan.notify];
}
