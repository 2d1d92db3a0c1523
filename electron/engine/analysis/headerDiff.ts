/**
 * Header diff. Field names are case-insensitive (RFC 9110 §5.1) so headers are matched by
 * lower-cased name; but case, order and duplicates are kept and reported, because signatures
 * (AWS SigV4's canonical headers, HTTP Message Signatures) and some servers depend on them.
 */
import type { HeaderDiff, HeaderRow } from '../../../shared/diff.js';
import type { Header } from '../../../shared/model.js';

/** Headers that change on every request by design: shown, but never a material difference. */
const VOLATILE = new Set([
  'date',
  'age',
  'expires',
  'last-modified',
  'x-request-id',
  'x-correlation-id',
  'traceparent',
  'tracestate',
  'x-amzn-trace-id',
  'x-amz-date',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'cf-ray',
  'x-runtime',
  'server-timing',
  'x-response-time',
  // Tracing and request ids of common clients, proxies and platforms (W3C, B3, Sentry,
  // Datadog, AWS, Google Cloud, Azure, GitHub, Fastly, Vercel, Fly).
  'b3',
  'baggage',
  'sentry-trace',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-cloud-trace-context',
  'x-amzn-requestid',
  'x-amz-id-2',
  'x-amz-cf-id',
  'x-ms-client-request-id',
  'apigw-requestid',
  'x-served-by',
  'x-timer',
  'x-envoy-upstream-service-time',
  'x-vercel-id',
  'fly-request-id',
  'x-request-start',
  'x-nonce',
  'nonce',
]);

/** `X-Request-ID`, `X-GitHub-Request-Id`, `Request-Id`, `X-Trace-Id`, `X-Span-ID`... */
const PER_REQUEST_ID = /(?:^|-)(?:request|correlation|trace|span|transaction)-?id$/;

/** Headers whose value follows from the body (compared there). */
const FROM_BODY = new Set(['content-length']);

interface Group {
  /** Spelling of the first occurrence. */
  name: string;
  spellings: Set<string>;
  values: string[];
}

function group(headers: readonly Header[]): Map<string, Group> {
  const map = new Map<string, Group>();
  for (const header of headers) {
    const key = header.name.toLowerCase();
    const existing = map.get(key);
    if (existing) {
      existing.values.push(header.value);
      existing.spellings.add(header.name);
    } else {
      map.set(key, { name: header.name, spellings: new Set([header.name]), values: [header.value] });
    }
  }
  return map;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((v, i) => v === sortedB[i]);
}

function perRequest(lowerName: string): boolean {
  return VOLATILE.has(lowerName) || PER_REQUEST_ID.test(lowerName);
}

export function isVolatileHeader(name: string): boolean {
  return perRequest(name.toLowerCase());
}

export function diffHeaders(left: readonly Header[], right: readonly Header[]): HeaderDiff {
  const a = group(left);
  const b = group(right);
  const rows: HeaderRow[] = [];
  const notes: string[] = [];
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];

  for (const key of keys) {
    const l = a.get(key);
    const r = b.get(key);
    const name = l?.name ?? r!.name;
    const row: HeaderRow = {
      name,
      kind: 'same',
      leftValues: l?.values ?? [],
      rightValues: r?.values ?? [],
      volatile: perRequest(key) || FROM_BODY.has(key),
    };
    if (perRequest(key)) row.volatileReason = 'per_request';
    else if (FROM_BODY.has(key)) row.volatileReason = 'from_body';
    if (l) row.left = l.values.join(', ');
    if (r) row.right = r.values.join(', ');
    const rowNotes: string[] = [];
    if (!l) row.kind = 'added';
    else if (!r) row.kind = 'removed';
    else {
      const valuesEqual = l.values.length === r.values.length && l.values.every((v, i) => v === r.values[i]);
      if (!valuesEqual) {
        if (sameMultiset(l.values, r.values)) {
          rowNotes.push(`the ${l.values.length} values appear in a different order`);
          row.kind = 'changed';
        } else row.kind = 'changed';
      }
      if (l.values.length !== r.values.length) {
        rowNotes.push(`sent ${l.values.length}× on the left, ${r.values.length}× on the right`);
      }
      const lSpelling = [...l.spellings].join('/');
      const rSpelling = [...r.spellings].join('/');
      if (lSpelling !== rSpelling) {
        row.leftName = lSpelling;
        row.rightName = rSpelling;
        rowNotes.push(`case differs: ${lSpelling} vs ${rSpelling}`);
      }
    }
    if (rowNotes.length > 0) row.note = rowNotes.join('; ');
    rows.push(row);
  }

  // Order: compare the sequence of names both sides have, by first occurrence.
  const leftOrder = [...a.keys()];
  const rightOrder = [...b.keys()];
  const common = new Set(leftOrder.filter((k) => b.has(k)));
  const leftCommon = leftOrder.filter((k) => common.has(k));
  const rightCommon = rightOrder.filter((k) => common.has(k));
  const orderChanged = leftCommon.some((k, i) => rightCommon[i] !== k);
  if (orderChanged) {
    const firstMoved = leftCommon.findIndex((k, i) => rightCommon[i] !== k);
    notes.push(
      `Header order differs: from ${a.get(leftCommon[firstMoved]!)!.name} on (left ${leftCommon
        .slice(firstMoved, firstMoved + 4)
        .map((k) => a.get(k)!.name)
        .join(', ')}…, right ${rightCommon
        .slice(firstMoved, firstMoved + 4)
        .map((k) => b.get(k)!.name)
        .join(', ')}…).`,
    );
  }
  const caseRows = rows.filter((r) => r.leftName !== undefined);
  if (caseRows.length > 0) {
    notes.push(
      `Header name case differs: ${caseRows.map((r) => `${r.leftName} vs ${r.rightName}`).join(', ')}.`,
    );
  }
  const duplicateRows = rows.filter((r) => r.leftValues.length > 1 || r.rightValues.length > 1);
  for (const row of duplicateRows) {
    if (row.leftValues.length !== row.rightValues.length) {
      notes.push(
        `${row.name} appears ${row.leftValues.length}× on the left and ${row.rightValues.length}× on the right.`,
      );
    } else if (row.kind === 'changed' && sameMultiset(row.leftValues, row.rightValues)) {
      notes.push(`${row.name} is repeated with its values in a different order.`);
    }
  }
  return {
    rows,
    orderChanged,
    leftOrder: left.map((h) => h.name),
    rightOrder: right.map((h) => h.name),
    notes,
  };
}
