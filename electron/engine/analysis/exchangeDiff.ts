/**
 * Exchange diff: two exchanges side by side, every difference named in words, the most
 * significant first. Pure: the caller passes the body bytes (the engine reads them from its
 * body store; `netlens diff` from a HAR), so it runs the same in the engine, the CLI and tests.
 */
import type {
  DiffArea,
  DiffFinding,
  DiffSide,
  ExchangeDiff,
  HeaderDiff,
  TimingRow,
  ValueChange,
} from '../../../shared/diff.js';
import { DIFF_AREA_RANK } from '../../../shared/diff.js';
import type { Exchange, RuleActionInfo } from '../../../shared/model.js';
import { TIMING_LABELS, TIMING_PHASES, totalTimeMs } from '../../../shared/timing.js';
import { diffBodies } from './bodyDiff.js';
import { diffHeaders } from './headerDiff.js';
import { diffUrls } from './urlDiff.js';
import { formatDurationMs } from '../../../shared/format.js';
import { diffHeadline } from '../../../shared/diffHeadline.js';

export interface ExchangeBodies {
  request?: Uint8Array;
  response?: Uint8Array;
}

/** A timing difference is worth a summary line above this much and this ratio. */
const TIMING_MIN_DELTA_MS = 50;
const TIMING_MIN_RATIO = 1.5;

function side(exchange: Exchange): DiffSide {
  const out: DiffSide = {
    id: exchange.id,
    method: exchange.request.method,
    url: exchange.request.url,
    startedAtMs: exchange.startedAtMs,
  };
  if (exchange.durationMs !== undefined) out.durationMs = exchange.durationMs;
  if (exchange.response) {
    out.status = exchange.response.status;
    out.statusText = exchange.response.statusText;
  }
  if (exchange.error) {
    out.errorClass = exchange.error.class;
    out.errorMessage = exchange.error.message;
  }
  return out;
}

function statusText(exchange: Exchange): string {
  if (!exchange.response) return exchange.error ? 'no response' : 'pending';
  const { status, statusText: text } = exchange.response;
  return text ? `${status} ${text}` : String(status);
}

function valueRow(name: string, left: string | undefined, right: string | undefined): ValueChange {
  const row: ValueChange = { name, kind: 'same' };
  if (left !== undefined) row.left = left;
  if (right !== undefined) row.right = right;
  if (left === undefined && right !== undefined) row.kind = 'added';
  else if (right === undefined && left !== undefined) row.kind = 'removed';
  else if (left !== right) row.kind = 'changed';
  return row;
}

function rawQuery(url: string): string {
  try {
    return new URL(url).search;
  } catch {
    return '';
  }
}

const VOLATILE_TEXT = {
  per_request: ' (changes on every request)',
  from_body: ' (follows from the body)',
  none: '',
};

function headerFindings(
  label: 'Request' | 'Response',
  diff: HeaderDiff,
  add: (f: DiffFinding) => void,
): void {
  for (const row of diff.rows) {
    const material = !row.volatile;
    if (row.kind === 'added') {
      add({
        area: 'header_only_one_side',
        material,
        text: `${label} header ${row.name} only on the right: ${row.right}`,
      });
    } else if (row.kind === 'removed') {
      add({
        area: 'header_only_one_side',
        material,
        text: `${label} header ${row.name} only on the left: ${row.left}`,
      });
    } else if (row.kind === 'changed') {
      const note = row.note ? ` (${row.note})` : '';
      add({
        area: 'header_value',
        material,
        text: `${label} header ${row.name}: ${row.left} → ${row.right}${note}${VOLATILE_TEXT[row.volatileReason ?? 'none']}`,
      });
    }
  }
  const caseRows = diff.rows.filter((r) => r.kind === 'same' && r.leftName !== undefined);
  if (caseRows.length > 0) {
    add({
      area: 'header_form',
      material: true,
      text: `${label} header name case differs: ${caseRows.map((r) => `${r.leftName} vs ${r.rightName}`).join(', ')}`,
    });
  }
  if (diff.orderChanged) {
    add({ area: 'header_form', material: true, text: `${label} headers in a different order` });
  }
}

/** `NetLens rule "Flaky" (reset before the response)`. */
function ruleWords(rule: RuleActionInfo): string {
  return `NetLens rule "${rule.ruleName}" (${rule.actions.join('; ')})`;
}

/**
 * Diffs two exchanges. `bodies` holds the bytes of each side's request and response bodies,
 * decoded from any Content-Encoding; a missing buffer means "not captured".
 */
export function diffExchanges(
  left: Exchange,
  right: Exchange,
  bodies: { left?: ExchangeBodies; right?: ExchangeBodies } = {},
): ExchangeDiff {
  const findings: DiffFinding[] = [];
  const add = (finding: DiffFinding): void => {
    findings.push(finding);
  };

  // Status and outcome.
  const status = valueRow('status', statusText(left), statusText(right));
  if (status.kind !== 'same')
    add({ area: 'status', material: true, text: `Status: ${status.left} → ${status.right}` });

  const leftError = left.error ? `${left.error.class}: ${left.error.message}` : undefined;
  const rightError = right.error ? `${right.error.class}: ${right.error.message}` : undefined;
  const error = valueRow('error', leftError, rightError);
  if (left.error?.class !== right.error?.class) {
    const text =
      left.error && right.error
        ? `Error class: ${left.error.class} → ${right.error.class}`
        : right.error
          ? `Right failed with ${right.error.class} (${right.error.phase} phase): ${right.error.message}`
          : `Left failed with ${left.error!.class} (${left.error!.phase} phase): ${left.error!.message}`;
    add({ area: 'error', material: true, text });
  }

  const leftRule = left.rule ? ruleWords(left.rule) : undefined;
  const rightRule = right.rule ? ruleWords(right.rule) : undefined;
  if (leftRule !== rightRule) {
    const text =
      leftRule && rightRule
        ? `NetLens rules acted on both: left ${leftRule}; right ${rightRule}`
        : leftRule
          ? `Left was changed on purpose by ${leftRule}; right by no rule`
          : `Right was changed on purpose by ${rightRule!}; left by no rule`;
    add({ area: 'rule', material: true, text });
  }

  const method = valueRow('method', left.request.method, right.request.method);
  if (method.kind !== 'same')
    add({ area: 'method', material: true, text: `Method: ${method.left} → ${method.right}` });

  // URL.
  const url = diffUrls(left.request.url, right.request.url);
  for (const part of url.parts) {
    if (part.kind === 'changed')
      add({
        area: 'url',
        material: true,
        text: `URL ${part.name}: ${part.left || '(none)'} → ${part.right || '(none)'}`,
      });
  }

  // Headers.
  const requestHeaders = diffHeaders(left.request.headers, right.request.headers);
  const responseHeaders = diffHeaders(left.response?.headers ?? [], right.response?.headers ?? []);
  headerFindings('Request', requestHeaders, add);
  // Without a response on one side, listing its missing headers repeats the status line.
  if (left.response && right.response) headerFindings('Response', responseHeaders, add);

  // Query.
  for (const q of url.query) {
    if (q.kind === 'added')
      add({ area: 'query', material: true, text: `Query parameter ${q.name} only on the right: ${q.right}` });
    else if (q.kind === 'removed')
      add({ area: 'query', material: true, text: `Query parameter ${q.name} only on the left: ${q.left}` });
    else if (q.kind === 'changed')
      add({
        area: 'query',
        material: true,
        text: `Query parameter ${q.name}: ${q.left} → ${q.right}${q.note ? ` (${q.note})` : ''}`,
      });
  }
  if (url.queryOrderChanged)
    add({
      area: 'query',
      material: true,
      text: 'Query parameters in a different order (same names and values)',
    });
  else if (
    url.query.every((q) => q.kind === 'same') &&
    rawQuery(left.request.url) !== rawQuery(right.request.url)
  ) {
    add({
      area: 'query',
      material: true,
      text: `Query string encoded differently (same parameters): ${rawQuery(left.request.url)} vs ${rawQuery(right.request.url)}`,
    });
  }

  // Bodies.
  const requestBody = diffBodies(
    'request',
    { bytes: bodies.left?.request, info: left.request.body },
    { bytes: bodies.right?.request, info: right.request.body },
  );
  const responseBody = diffBodies(
    'response',
    { bytes: bodies.left?.response, ...(left.response ? { info: left.response.body } : {}) },
    { bytes: bodies.right?.response, ...(right.response ? { info: right.response.body } : {}) },
  );
  for (const [area, label, body] of [
    ['request_body', 'Request body', requestBody],
    ['response_body', 'Response body', responseBody],
  ] as const) {
    if (body.verdict === 'identical' || body.verdict === 'both_empty') continue;
    if (area === 'response_body' && (!left.response || !right.response)) continue;
    // Neither body captured and the sizes agree: nothing to say.
    if (
      body.verdict === 'unavailable' &&
      !body.left.captured &&
      !body.right.captured &&
      body.left.sizeBytes === body.right.sizeBytes
    ) {
      continue;
    }
    add({ area, material: body.verdict !== 'unavailable', text: `${label}: ${body.description}` });
  }

  // Timing, phase by phase.
  const timing: TimingRow[] = [];
  for (const phase of TIMING_PHASES) {
    const l = left.timings[phase];
    const r = right.timings[phase];
    if (l === undefined && r === undefined) continue;
    const row: TimingRow = { phase: TIMING_LABELS[phase] };
    if (l !== undefined) row.leftMs = l;
    if (r !== undefined) row.rightMs = r;
    if (l !== undefined && r !== undefined) row.deltaMs = r - l;
    timing.push(row);
    const lo = Math.min(l ?? 0, r ?? 0);
    const hi = Math.max(l ?? 0, r ?? 0);
    if (hi - lo >= TIMING_MIN_DELTA_MS && hi >= lo * TIMING_MIN_RATIO) {
      const from = formatDurationMs(l, 'none');
      const to = formatDurationMs(r, 'none');
      add({ area: 'timing', material: false, text: `Timing ${TIMING_LABELS[phase]}: ${from} → ${to}` });
    }
  }
  const leftTotal = left.durationMs ?? totalTimeMs(left.timings);
  const rightTotal = right.durationMs ?? totalTimeMs(right.timings);
  timing.push({ phase: 'Total', leftMs: leftTotal, rightMs: rightTotal, deltaMs: rightTotal - leftTotal });

  // Connection facts.
  const lc = left.connection;
  const rc = right.connection;
  const connection: ValueChange[] = [
    valueRow('server IP', lc.serverIp, rc.serverIp),
    valueRow('server port', lc.serverPort?.toString(), rc.serverPort?.toString()),
    valueRow('connection reused', String(lc.reused), String(rc.reused)),
    valueRow(
      'HTTP version',
      left.response?.httpVersion ?? left.request.httpVersion,
      right.response?.httpVersion ?? right.request.httpVersion,
    ),
    valueRow('TLS version', lc.tls?.protocol, rc.tls?.protocol),
    valueRow('ALPN', lc.tls?.alpn, rc.tls?.alpn),
    valueRow('cipher', lc.tls?.cipher, rc.tls?.cipher),
    valueRow('client address', lc.clientAddress, rc.clientAddress),
  ];
  const conn = (name: string) => connection.find((c) => c.name === name)!;
  if (conn('server IP').kind !== 'same') {
    add({
      area: 'server_ip',
      material: false,
      text: `Server IP: ${lc.serverIp ?? 'unknown'} → ${rc.serverIp ?? 'unknown'}`,
    });
  }
  for (const name of ['TLS version', 'ALPN']) {
    const row = conn(name);
    if (row.kind !== 'same')
      add({ area: 'tls', material: false, text: `${name}: ${row.left ?? 'none'} → ${row.right ?? 'none'}` });
  }
  if (conn('HTTP version').kind !== 'same') {
    const row = conn('HTTP version');
    add({ area: 'connection', material: false, text: `HTTP version: ${row.left} → ${row.right}` });
  }
  if (lc.reused !== rc.reused) {
    add({
      area: 'connection',
      material: false,
      text: `Connection: ${lc.reused ? 'reused' : 'new'} → ${rc.reused ? 'reused' : 'new'}`,
    });
  }

  const ordered = findings
    .map((f, i) => ({ f, i }))
    // Material differences first (in the order of DIFF_AREA_RANK), then what changes anyway.
    .sort(
      (a, b) => Number(b.f.material) - Number(a.f.material) || rank(a.f.area) - rank(b.f.area) || a.i - b.i,
    )
    .map(({ f }) => f);
  const same = !ordered.some((f) => f.material);
  const summary = ordered.map((f) => f.text);
  if (summary.length === 0) summary.push('No differences.');
  else if (same) summary.unshift('No material differences (only timing, connection or per-request headers).');

  const result: Omit<ExchangeDiff, 'headline'> = {
    summary,
    same,
    findings: ordered,
    left: side(left),
    right: side(right),
    method,
    status,
    error,
    url,
    requestHeaders,
    responseHeaders,
    requestBody,
    responseBody,
    timing,
    connection,
  };
  return { headline: diffHeadline(result), ...result };
}

function rank(area: DiffArea): number {
  return DIFF_AREA_RANK[area];
}
