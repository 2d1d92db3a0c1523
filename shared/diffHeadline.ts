/**
 * The diff in one sentence, for a human before the tables: which side failed, what its request
 * lacked or had different, what it got back, and how its response body differs. Made of the
 * same rows the tables show, so it never says more than they do.
 */
import type { BodyDiff, DiffSide, ExchangeDiff, HeaderRow } from './diff.js';

type HeadlineInput = Omit<ExchangeDiff, 'headline'>;

/** Request headers named in the sentence at most; the tables list the rest. */
const MAX_NAMED = 3;

function failed(side: DiffSide): boolean {
  return side.errorClass !== undefined || (side.status !== undefined && side.status >= 400);
}

function outcome(side: DiffSide): string {
  if (side.errorClass !== undefined) return `failed with ${side.errorClass}`;
  if (side.status !== undefined) return `got ${side.status}${side.statusText ? ` ${side.statusText}` : ''}`;
  return 'got no response yet';
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, MAX_NAMED);
  const rest = list.length - shown.length;
  const words = rest > 0 ? [...shown, `${rest} more`] : shown;
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `in 2 keys`, `only in key order`…: how one body differs, or undefined when it does not. */
function bodyWords(body: BodyDiff): string | undefined {
  switch (body.verdict) {
    case 'identical':
    case 'both_empty':
    case 'unavailable':
      return undefined;
    case 'json_key_order':
      return 'only in key order (same JSON, different bytes)';
    case 'different': {
      if (body.jsonChanges) return `in ${plural(body.jsonChanges.length, 'key')}`;
      if (body.formFields)
        return `in ${plural(body.formFields.filter((f) => f.kind !== 'same').length, 'field')}`;
      const changed = body.lines?.filter((l) => l.op !== 'same').length;
      if (changed !== undefined && body.kind !== 'binary') return `in ${plural(changed, 'line')}`;
      return `in content (${body.kind === 'binary' ? 'binary' : 'text'})`;
    }
    default:
      return `only in form (${body.verdicts.map((v) => v.replaceAll('_', ' ')).join(', ')})`;
  }
}

/**
 * What the subject's request lacked, had extra or had otherwise, next to the other's. `subject`
 * is `left` or `right`; rows say `removed` for left-only and `added` for right-only.
 */
function requestCauses(diff: HeadlineInput, subject: 'left' | 'right'): string[] {
  const onlyOther: HeaderRow['kind'] = subject === 'left' ? 'added' : 'removed';
  const onlyMine: HeaderRow['kind'] = subject === 'left' ? 'removed' : 'added';
  const real = diff.requestHeaders.rows.filter((r) => !r.volatile);
  const without = real.filter((r) => r.kind === onlyOther).map((r) => r.name);
  const extra = real.filter((r) => r.kind === onlyMine).map((r) => r.name);
  const changed = real.filter((r) => r.kind === 'changed').map((r) => r.name);
  const mine = (left?: string, right?: string) => (subject === 'left' ? left : right);
  const theirs = (left?: string, right?: string) => (subject === 'left' ? right : left);

  const causes: string[] = [];
  if (diff.method.kind === 'changed')
    causes.push(
      `was a ${mine(diff.method.left, diff.method.right)} instead of a ${theirs(diff.method.left, diff.method.right)}`,
    );
  const urlParts = diff.url.parts.filter((p) => p.kind === 'changed').map((p) => p.name);
  if (urlParts.length > 0) causes.push(`went to a different ${names(urlParts)}`);
  if (without.length > 0) causes.push(`was sent without ${names(without)}`);
  if (extra.length > 0) causes.push(`was sent with ${names(extra)}`);
  if (changed.length > 0) causes.push(`had a different ${names(changed)}`);
  const query = diff.url.query.filter((q) => q.kind !== 'same').map((q) => q.name);
  if (query.length > 0) causes.push(`had different query parameters (${names(query)})`);
  const body = bodyWords(diff.requestBody);
  if (body) causes.push(`had a request body that differs ${body}`);
  return causes;
}

function joinClauses(clauses: readonly string[]): string {
  if (clauses.length <= 1) return clauses[0] ?? '';
  return `${clauses.slice(0, -1).join(', ')} and ${clauses.at(-1)}`;
}

/** The sentence the Diff view opens with (and `netlens diff` prints first). */
export function diffHeadline(diff: HeadlineInput): string {
  const leftFailed = failed(diff.left);
  const rightFailed = failed(diff.right);
  // The failing side is the subject; with both or neither failing, the left one.
  const subject: 'left' | 'right' = rightFailed && !leftFailed ? 'right' : 'left';
  const me = diff[subject];
  const other = diff[subject === 'left' ? 'right' : 'left'];
  const oneFailed = leftFailed !== rightFailed;
  const who = oneFailed ? 'The failing request' : `The ${subject} request`;
  const otherWho = oneFailed ? 'the successful one' : `the ${subject === 'left' ? 'right' : 'left'} one`;

  if (diff.same) {
    const anything = diff.findings.length > 0;
    return anything
      ? 'No material difference: only timing, connection facts or headers that change on every request differ.'
      : 'The two exchanges are the same.';
  }

  const causes = requestCauses(diff, subject);
  const sameOutcome = outcome(me) === outcome(other);
  const result = sameOutcome
    ? `${outcome(me)} as ${otherWho} did`
    : `${outcome(me)} where ${otherWho} ${outcome(other)}`;
  let sentence =
    causes.length > 0
      ? `${who} ${joinClauses(causes)}${causes.length > 1 ? ',' : ''} and ${result}`
      : `${who} ${result}, with no material difference in the request`;
  const response =
    me.status !== undefined && other.status !== undefined ? bodyWords(diff.responseBody) : undefined;
  if (response) sentence += `; the response body differs ${response}`;
  const rules = diff.findings.find((f) => f.area === 'rule');
  if (rules) sentence += ` (${rules.text.charAt(0).toLowerCase()}${rules.text.slice(1)})`;
  return `${sentence}.`;
}
