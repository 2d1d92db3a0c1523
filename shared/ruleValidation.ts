/**
 * Validation of a rules document (shared/rules.ts): every problem is named by its JSON path
 * (`rules[2].latency.ms`) and says what is wrong and what is expected. Unknown keys are problems
 * too, so a misspelt action never passes silently as "no action". Pure: the engine checks a file
 * with it before replacing the rules in force, the Rules view checks its form with it.
 */
import { formatChoices } from './format.js';
import { compileGlob } from './ruleGlob.js';
import {
  INJECTABLE_CLASSES,
  LATENCY_WHERE,
  RULE_FAULT_TYPES,
  ruleIdOf,
  type RuleDefinition,
  type RuleProblem,
  type RulesDocument,
} from './rules.js';
import { isSourceKind, isSourceLabel } from './source.js';

export type RulesValidation = { ok: true; document: RulesDocument } | { ok: false; problems: RuleProblem[] };

/** Longest delay a rule may ask for: an hour (a longer one is a typo, not a test). */
export const MAX_RULE_DELAY_MS = 3_600_000;

const RULE_KEYS = [
  'id',
  'name',
  'enabled',
  'continue',
  'match',
  'probability',
  'times',
  'latency',
  'bandwidth',
  'slice',
  'limitData',
  'slowClose',
  'fault',
  'respond',
  'rewrite',
  'mapLocal',
  'block',
] as const;
const MATCH_KEYS = ['host', 'path', 'method', 'port', 'header', 'source'] as const;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

class Checker {
  readonly problems: RuleProblem[] = [];

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  expected(path: string, what: string, value: unknown): void {
    this.problem(path, `expected ${what}, got ${describe(value)}`);
  }

  object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.expected(path, 'an object', value);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!keys.includes(key)) {
        this.problem(`${path}.${key}`, `unknown key "${key}"; known keys: ${formatChoices(keys)}`);
      }
    }
    return record;
  }

  /** An object whose keys are data (header names), not a fixed set. */
  record(value: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.expected(path, 'an object', value);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string, what = 'a string'): string | undefined {
    if (typeof value !== 'string') {
      this.expected(path, what, value);
      return undefined;
    }
    return value;
  }

  text(value: unknown, path: string, what: string): string | undefined {
    const text = this.string(value, path, what);
    if (text !== undefined && text.trim() === '') {
      this.problem(path, `must not be empty (${what})`);
      return undefined;
    }
    return text;
  }

  number(value: unknown, path: string, min: number, max: number, what: string): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.expected(path, what, value);
      return undefined;
    }
    if (value < min || value > max) {
      this.problem(path, `${value} is out of range: expected ${what}`);
      return undefined;
    }
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number, what: string): number | undefined {
    const n = this.number(value, path, min, max, what);
    if (n !== undefined && !Number.isInteger(n)) {
      this.problem(path, `${n} is not a whole number: expected ${what}`);
      return undefined;
    }
    return n;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== 'boolean') {
      this.expected(path, 'true or false', value);
      return undefined;
    }
    return value;
  }

  glob(value: unknown, path: string, ignoreCase: boolean): void {
    const glob = this.string(value, path, 'a glob (e.g. "api.*.local" or "/v1/*")');
    if (glob === undefined) return;
    const compiled = compileGlob(glob, ignoreCase);
    if (typeof compiled === 'string') this.problem(path, `the glob "${glob}" cannot compile: ${compiled}`);
  }

  delay(value: unknown, path: string): number | undefined {
    return this.number(value, path, 0, MAX_RULE_DELAY_MS, `milliseconds from 0 to ${MAX_RULE_DELAY_MS}`);
  }

  rate(value: unknown, path: string): number | undefined {
    return this.number(value, path, 0, 10_000_000, 'KB/s from 0 (unlimited) to 10000000');
  }

  headerMap(value: unknown, path: string): void {
    const record = this.record(value, path);
    if (!record) return;
    for (const [name, fieldValue] of Object.entries(record)) {
      const at = `${path}[${JSON.stringify(name)}]`;
      if (!TOKEN.test(name)) this.problem(at, `"${name}" is not a valid header name`);
      const text = this.string(fieldValue, at, 'a header value (a string)');
      if (text !== undefined && /[\r\n\0]/.test(text))
        this.problem(at, 'a header value must not contain CR, LF or NUL');
    }
  }

  headerEdit(value: unknown, path: string): void {
    const edit = this.object(value, path, ['set', 'remove']);
    if (!edit) return;
    if (edit.set !== undefined) this.headerMap(edit.set, `${path}.set`);
    if (edit.remove !== undefined) {
      if (!Array.isArray(edit.remove))
        this.expected(`${path}.remove`, 'an array of header names', edit.remove);
      else
        edit.remove.forEach((name, i) => {
          const text = this.string(name, `${path}.remove[${i}]`, 'a header name');
          if (text !== undefined && !TOKEN.test(text))
            this.problem(`${path}.remove[${i}]`, `"${text}" is not a valid header name`);
        });
    }
  }
}

function checkMatch(c: Checker, value: unknown, path: string): void {
  const match = c.object(value, path, MATCH_KEYS);
  if (!match) return;
  if (match.host !== undefined) c.glob(match.host, `${path}.host`, true);
  if (match.path !== undefined) {
    c.glob(match.path, `${path}.path`, false);
    if (typeof match.path === 'string' && match.path !== '' && !/^[/*?[{]/.test(match.path))
      c.problem(`${path}.path`, `"${match.path}" can never match: a path starts with "/" (e.g. "/v1/*")`);
  }
  if (match.method !== undefined) {
    const method = c.text(match.method, `${path}.method`, 'a method such as GET, or a list GET,HEAD');
    if (method !== undefined) {
      for (const m of method.split(',')) {
        if (!TOKEN.test(m.trim())) c.problem(`${path}.method`, `"${m.trim()}" is not an HTTP method`);
      }
    }
  }
  if (match.port !== undefined) c.integer(match.port, `${path}.port`, 1, 65535, 'a port from 1 to 65535');
  if (match.header !== undefined) {
    const headers = c.record(match.header, `${path}.header`);
    if (headers) {
      for (const [name, glob] of Object.entries(headers)) {
        const at = `${path}.header[${JSON.stringify(name)}]`;
        if (!TOKEN.test(name)) c.problem(at, `"${name}" is not a valid header name`);
        c.glob(glob, at, false);
      }
    }
  }
  if (match.source !== undefined) {
    const source = c.text(match.source, `${path}.source`, 'a source such as chromium or terminal#2');
    if (source !== undefined && !isSourceKind(source) && !isSourceLabel(source))
      c.problem(
        `${path}.source`,
        `"${source}" is not a source: write a kind (chromium, terminal) or a label (chromium#1)`,
      );
  }
}

function checkFault(c: Checker, value: unknown, path: string): void {
  const raw = c.object(value, path, ['type', 'afterBytes', 'closeAfterMs', 'class', 'afterMs']);
  if (!raw) return;
  const type = raw.type;
  if (!(RULE_FAULT_TYPES as readonly unknown[]).includes(type)) {
    c.problem(`${path}.type`, `expected one of ${formatChoices(RULE_FAULT_TYPES)}, got ${describe(type)}`);
    return;
  }
  const allowed: Record<string, readonly string[]> = {
    reset: ['type', 'afterBytes'],
    close: ['type'],
    timeout: ['type', 'closeAfterMs'],
    fail: ['type', 'class', 'afterMs', 'afterBytes'],
  };
  for (const key of Object.keys(raw)) {
    if (!allowed[type as string]!.includes(key))
      c.problem(`${path}.${key}`, `"${key}" does not apply to a ${String(type)} fault`);
  }
  if (raw.afterBytes !== undefined)
    c.integer(raw.afterBytes, `${path}.afterBytes`, 0, Number.MAX_SAFE_INTEGER, 'a byte count ≥ 0');
  if (raw.closeAfterMs !== undefined) c.delay(raw.closeAfterMs, `${path}.closeAfterMs`);
  if (raw.afterMs !== undefined) c.delay(raw.afterMs, `${path}.afterMs`);
  if (type === 'fail') {
    if (!(INJECTABLE_CLASSES as readonly unknown[]).includes(raw.class)) {
      c.problem(
        `${path}.class`,
        `expected one of ${formatChoices(INJECTABLE_CLASSES)}, got ${describe(raw.class)}`,
      );
    } else if (raw.afterBytes !== undefined && raw.class !== 'incomplete_response') {
      c.problem(`${path}.afterBytes`, 'only an incomplete_response breaks off after some body bytes');
    }
  }
}

function checkRule(c: Checker, value: unknown, path: string): void {
  const rule = c.object(value, path, RULE_KEYS);
  if (!rule) return;
  if (rule.id !== undefined) {
    const id = c.text(rule.id, `${path}.id`, 'an id (letters, digits, - and _)');
    if (id !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(id))
      c.problem(`${path}.id`, `"${id}" is not an id: use up to 64 letters, digits, ".", "-" and "_"`);
  }
  if (rule.name === undefined) c.problem(`${path}.name`, 'missing: every rule needs a name');
  else {
    const name = c.text(rule.name, `${path}.name`, 'a name');
    if (name !== undefined && name.length > 200) c.problem(`${path}.name`, 'longer than 200 characters');
  }
  if (rule.enabled !== undefined) c.boolean(rule.enabled, `${path}.enabled`);
  if (rule.continue !== undefined) c.boolean(rule.continue, `${path}.continue`);
  if (rule.match !== undefined) checkMatch(c, rule.match, `${path}.match`);
  if (rule.probability !== undefined)
    c.number(rule.probability, `${path}.probability`, 0, 1, 'a probability from 0 to 1');
  if (rule.times !== undefined)
    c.integer(rule.times, `${path}.times`, 1, Number.MAX_SAFE_INTEGER, 'a count of at least 1');
  if (rule.latency !== undefined) {
    const at = `${path}.latency`;
    const latency = c.object(rule.latency, at, ['ms', 'jitterMs', 'where']);
    if (latency) {
      if (latency.ms === undefined) c.problem(`${at}.ms`, 'missing: the delay in milliseconds');
      else c.delay(latency.ms, `${at}.ms`);
      if (latency.jitterMs !== undefined) c.delay(latency.jitterMs, `${at}.jitterMs`);
      if (latency.where !== undefined && !(LATENCY_WHERE as readonly unknown[]).includes(latency.where))
        c.problem(
          `${at}.where`,
          `expected one of ${formatChoices(LATENCY_WHERE)}, got ${describe(latency.where)}`,
        );
    }
  }
  if (rule.bandwidth !== undefined) {
    const bandwidth = c.object(rule.bandwidth, `${path}.bandwidth`, ['downKBps', 'upKBps']);
    if (bandwidth?.downKBps !== undefined) c.rate(bandwidth.downKBps, `${path}.bandwidth.downKBps`);
    if (bandwidth?.upKBps !== undefined) c.rate(bandwidth.upKBps, `${path}.bandwidth.upKBps`);
  }
  if (rule.slice !== undefined) {
    const at = `${path}.slice`;
    const slice = c.object(rule.slice, at, ['averageBytes', 'variationBytes', 'delayMs']);
    if (slice) {
      if (slice.averageBytes === undefined)
        c.problem(`${at}.averageBytes`, 'missing: the average piece size in bytes');
      else
        c.integer(slice.averageBytes, `${at}.averageBytes`, 1, 16 * 1024 * 1024, 'bytes from 1 to 16777216');
      if (slice.variationBytes !== undefined)
        c.integer(slice.variationBytes, `${at}.variationBytes`, 0, 16 * 1024 * 1024, 'bytes ≥ 0');
      if (slice.delayMs !== undefined) c.delay(slice.delayMs, `${at}.delayMs`);
    }
  }
  if (rule.limitData !== undefined) {
    const limit = c.object(rule.limitData, `${path}.limitData`, ['bytes']);
    if (limit)
      c.integer(limit.bytes, `${path}.limitData.bytes`, 0, Number.MAX_SAFE_INTEGER, 'a byte count ≥ 0');
  }
  if (rule.slowClose !== undefined) {
    const slow = c.object(rule.slowClose, `${path}.slowClose`, ['delayMs']);
    if (slow) c.delay(slow.delayMs, `${path}.slowClose.delayMs`);
  }
  if (rule.fault !== undefined) checkFault(c, rule.fault, `${path}.fault`);
  if (rule.respond !== undefined) {
    const at = `${path}.respond`;
    const respond = c.object(rule.respond, at, ['status', 'statusText', 'headers', 'body', 'bodyFile']);
    if (respond) {
      if (respond.status === undefined) c.problem(`${at}.status`, 'missing: the status to answer with');
      else c.integer(respond.status, `${at}.status`, 200, 599, 'a status from 200 to 599');
      if (respond.statusText !== undefined) {
        const text = c.string(respond.statusText, `${at}.statusText`);
        if (text !== undefined && /[\r\n]/.test(text))
          c.problem(`${at}.statusText`, 'must not contain CR or LF');
      }
      if (respond.headers !== undefined) c.headerMap(respond.headers, `${at}.headers`);
      if (respond.body !== undefined) c.string(respond.body, `${at}.body`, 'the body text');
      if (respond.bodyFile !== undefined) c.text(respond.bodyFile, `${at}.bodyFile`, 'a file path');
      if (respond.body !== undefined && respond.bodyFile !== undefined)
        c.problem(`${at}.bodyFile`, 'give body or bodyFile, not both');
    }
  }
  if (rule.rewrite !== undefined) {
    const at = `${path}.rewrite`;
    const rewrite = c.object(rule.rewrite, at, ['requestHeaders', 'responseHeaders', 'url', 'responseBody']);
    if (rewrite) {
      if (rewrite.requestHeaders !== undefined) c.headerEdit(rewrite.requestHeaders, `${at}.requestHeaders`);
      if (rewrite.responseHeaders !== undefined)
        c.headerEdit(rewrite.responseHeaders, `${at}.responseHeaders`);
      if (rewrite.url !== undefined) {
        const url = c.text(rewrite.url, `${at}.url`, 'an http:// or https:// URL');
        if (url !== undefined) {
          let parsed: URL | undefined;
          try {
            parsed = new URL(url);
          } catch {
            c.problem(`${at}.url`, `"${url}" is not a URL (e.g. http://127.0.0.1:8080/)`);
          }
          if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
            c.problem(`${at}.url`, `"${url}" is not an http:// or https:// URL`);
        }
      }
      if (rewrite.responseBody !== undefined) {
        if (!Array.isArray(rewrite.responseBody))
          c.expected(`${at}.responseBody`, 'an array of {find, replace}', rewrite.responseBody);
        else
          rewrite.responseBody.forEach((item, i) => {
            const p = `${at}.responseBody[${i}]`;
            const r = c.object(item, p, ['find', 'replace', 'regex']);
            if (!r) return;
            const find = c.text(r.find, `${p}.find`, 'the text to find');
            c.string(r.replace, `${p}.replace`, 'the replacement text');
            if (r.regex !== undefined && c.boolean(r.regex, `${p}.regex`) && find !== undefined) {
              try {
                new RegExp(find, 'g');
              } catch (error) {
                c.problem(`${p}.find`, `the regular expression cannot compile: ${(error as Error).message}`);
              }
            }
          });
      }
    }
  }
  if (rule.mapLocal !== undefined) c.text(rule.mapLocal, `${path}.mapLocal`, 'a file path');
  if (rule.block !== undefined) c.boolean(rule.block, `${path}.block`);

  // Actions that cannot all happen.
  const answers = ['respond', 'mapLocal', 'block'].filter((k) => rule[k] !== undefined && rule[k] !== false);
  if (answers.length > 1) c.problem(path, `${answers.join(' and ')} both answer the request: keep one`);
  const rewrite = rule.rewrite as { url?: unknown } | undefined;
  if (answers.length > 0 && rewrite?.url !== undefined)
    c.problem(
      `${path}.rewrite.url`,
      `the request is answered by ${answers[0]}: it is never sent to another URL`,
    );
  const fault = rule.fault as { type?: unknown; afterBytes?: unknown; class?: unknown } | undefined;
  const faultFirst =
    fault !== undefined &&
    (fault.type === 'close' ||
      fault.type === 'timeout' ||
      (fault.type === 'reset' && fault.afterBytes === undefined) ||
      (fault.type === 'fail' && fault.class !== 'incomplete_response'));
  if (faultFirst && answers.length > 0)
    c.problem(`${path}.fault`, `the fault acts before any answer: ${answers[0]} would never be used`);
}

/** Checks a parsed rules document. */
export function validateRulesDocument(value: unknown): RulesValidation {
  const c = new Checker();
  const doc = c.object(value, '$', ['rules']);
  if (!doc) return { ok: false, problems: c.problems };
  if (!Array.isArray(doc.rules)) {
    c.expected('rules', 'an array of rules', doc.rules);
    return { ok: false, problems: c.problems };
  }
  doc.rules.forEach((rule, i) => checkRule(c, rule, `rules[${i}]`));
  if (c.problems.length === 0) {
    const seen = new Map<string, number>();
    (doc.rules as RuleDefinition[]).forEach((rule, i) => {
      const id = ruleIdOf(rule, i);
      const first = seen.get(id);
      if (first !== undefined)
        c.problem(`rules[${i}].id`, `the id "${id}" is also rules[${first}]'s: give each rule its own id`);
      else seen.set(id, i);
    });
  }
  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  return { ok: true, document: doc as unknown as RulesDocument };
}

/** Parses and checks the text of a rules file. */
export function parseRulesText(text: string): RulesValidation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '$', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validateRulesDocument(value);
}

/** One line for a list of problems: the first, and how many more. */
export function problemsLine(problems: readonly RuleProblem[]): string {
  const first = problems[0];
  if (!first) return 'no problem';
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return `${first.path}: ${first.message}${more}`;
}
