/**
 * A rule being edited in the Rules view, as plain JSON reached by dotted paths (`latency.ms`,
 * `match.header`): the form sets one value at a time and drops objects left empty, so the draft
 * is always a rule in the rules-file format, keys the form does not know included. Its problems
 * are the engine's own validator's (shared/ruleValidation.ts), with the same JSON paths.
 */
import { validateRulesDocument } from '../../../shared/ruleValidation';
import { ruleIdOf, type RuleDefinition, type RuleProblem } from '../../../shared/rules';

export type RuleDraft = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueAt(draft: RuleDraft, path: string): unknown {
  let at: unknown = draft;
  for (const key of path.split('.')) {
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** A copy of `draft` with `path` set to `value`; undefined removes the key, and parents left empty. */
export function withValueAt(draft: RuleDraft, path: string, value: unknown): RuleDraft {
  const [key, ...rest] = path.split('.') as [string, ...string[]];
  const copy: RuleDraft = { ...draft };
  const next =
    rest.length === 0 ? value : withValueAt(isObject(copy[key]) ? copy[key] : {}, rest.join('.'), value);
  if (next === undefined || (rest.length > 0 && Object.keys(next as object).length === 0)) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** A number typed in a field: empty is absent; text that is not a number is kept, so the validator names it. */
export function numberFromText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

/** `Name: value` lines (headers to set, a header match) to an object; undefined when there are none. */
export function recordFromLines(text: string): Record<string, string> | undefined {
  const record: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    // A line without a colon is a name with an empty value (for a header match: "is present").
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    record[name] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return Object.keys(record).length > 0 ? record : undefined;
}

export function linesFromRecord(value: unknown): string {
  if (!isObject(value)) return '';
  return Object.entries(value)
    .map(([name, v]) => `${name}: ${String(v)}`)
    .join('\n');
}

/** A comma list (header names to remove) to an array; undefined when empty. */
export function listFromText(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

/**
 * The problems of `draft` standing at `index` among `rules`, as the engine's validator reports
 * them, with paths relative to the rule (`latency.ms`; `` for the rule itself).
 */
export function draftProblems(
  rules: readonly RuleDefinition[],
  index: number,
  draft: RuleDraft,
): RuleProblem[] {
  const list: unknown[] = [...rules];
  list[index] = draft;
  const checked = validateRulesDocument({ rules: list });
  if (checked.ok) return [];
  return checked.problems.flatMap((problem) => relativeProblem(problem, index));
}

const RULE_PATH = /^rules\[(\d+)\](?:\.(.*))?$/;

function relativeProblem(problem: RuleProblem, index: number): RuleProblem[] {
  const match = RULE_PATH.exec(problem.path);
  if (!match || Number(match[1]) !== index) return [];
  return [{ path: match[2] ?? '', message: problem.message }];
}

/**
 * The engine's `rules_invalid` message (`Rules file F: rules[2].mapLocal: no such file (and 1 more
 * problem)`) as a problem of the rule at `index`, for the checks only the engine can make (files
 * that must exist); undefined when it names another rule or no path.
 */
export function problemFromEngineMessage(message: string, index: number): RuleProblem | undefined {
  const match = /(rules\[\d+\][\w.[\]]*): (.*?)(?: \(and \d+ more problems?\))?$/.exec(message);
  if (!match) return undefined;
  return relativeProblem({ path: match[1]!, message: match[2]! }, index)[0];
}

/**
 * Each problem under the field it belongs to: the longest of `fields` its path starts with.
 * Problems no field claims are under the key `` (shown at the top of the form).
 */
export function problemsByField(
  problems: readonly RuleProblem[],
  fields: readonly string[],
): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const problem of problems) {
    const owner =
      fields
        .filter(
          (f) => problem.path === f || problem.path.startsWith(`${f}.`) || problem.path.startsWith(`${f}[`),
        )
        .sort((a, b) => b.length - a.length)[0] ?? '';
    byField.set(owner, [...(byField.get(owner) ?? []), problem.message]);
  }
  return byField;
}

/** An id no rule of `rules` has, made from `wanted` (`slow-api`, then `slow-api-2`...). */
export function uniqueRuleId(rules: readonly RuleDefinition[], wanted: string): string {
  const taken = new Set(rules.map((rule, i) => ruleIdOf(rule, i)));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n += 1) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

/** `rules` with copies of `added` at the end, each given an id no other rule has. */
export function withRulesAdded(
  rules: readonly RuleDefinition[],
  added: readonly RuleDefinition[],
): RuleDefinition[] {
  const next = [...rules];
  for (const rule of added) {
    const copy = JSON.parse(JSON.stringify(rule)) as RuleDefinition;
    copy.id = uniqueRuleId(
      next,
      ruleIdOf({ name: rule.name, ...(rule.id ? { id: rule.id } : {}) }, next.length),
    );
    next.push(copy);
  }
  return next;
}

/** A copy of the rule at `index`, right after it, named and identified as a copy. */
export function withRuleDuplicated(rules: readonly RuleDefinition[], index: number): RuleDefinition[] {
  const source = rules[index];
  if (!source) return [...rules];
  const copy = JSON.parse(JSON.stringify(source)) as RuleDefinition;
  copy.name = `${source.name} (copy)`;
  copy.id = uniqueRuleId(rules, ruleIdOf({ name: copy.name }, index + 1));
  return [...rules.slice(0, index + 1), copy, ...rules.slice(index + 1)];
}

/** `rules` with the rule at `index` moved by `delta` places (kept within the list). */
export function withRuleMoved(
  rules: readonly RuleDefinition[],
  index: number,
  delta: number,
): RuleDefinition[] {
  const to = Math.max(0, Math.min(rules.length - 1, index + delta));
  const next = [...rules];
  const [moved] = next.splice(index, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}
