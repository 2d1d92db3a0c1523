import type { HeaderEdit } from '../../../shared/rules.js';

/**
 * A rule's header edits on a raw header list (`[name, value, name, value...]`, order and case
 * kept): removed names go, every field of a set name is replaced by one field where the first
 * one stood (or at the end when there was none).
 */
export function applyHeaderEdit(raw: readonly string[], edit: HeaderEdit): string[] {
  const remove = new Set((edit.remove ?? []).map((name) => name.toLowerCase()));
  const set = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(edit.set ?? {})) set.set(name.toLowerCase(), [name, value]);
  const out: string[] = [];
  const written = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (remove.has(lower) && !set.has(lower)) continue;
    const replacement = set.get(lower);
    if (replacement) {
      if (written.has(lower)) continue;
      written.add(lower);
      out.push(replacement[0], replacement[1]);
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  for (const [lower, [name, value]] of set) if (!written.has(lower)) out.push(name, value);
  return out;
}

/** The fields a header edit touches, for the record's action list (`set Retry-After, remove Server`). */
export function describeHeaderEdit(edit: HeaderEdit): string {
  const parts: string[] = [];
  const set = Object.keys(edit.set ?? {});
  if (set.length > 0) parts.push(`set ${set.join(', ')}`);
  if (edit.remove && edit.remove.length > 0) parts.push(`remove ${edit.remove.join(', ')}`);
  return parts.join('; ');
}
