/** URL diff: scheme, host, port, path and fragment, and a table of query parameters. */
import type { UrlDiff, ValueChange } from '../../../shared/diff.js';

interface UrlParts {
  scheme: string;
  host: string;
  port: string;
  path: string;
  fragment: string;
  /** Raw query pairs in order, names and values percent-decoded (WHATWG URL). */
  query: [string, string][];
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443', ws: '80', wss: '443' };

function split(url: string): UrlParts {
  try {
    const parsed = new URL(url);
    const scheme = parsed.protocol.replace(/:$/, '');
    return {
      scheme,
      host: parsed.hostname,
      // The port that was used, default included, so :443 and an implicit 443 compare equal.
      port: parsed.port || DEFAULT_PORTS[scheme] || '',
      path: parsed.pathname,
      fragment: parsed.hash.replace(/^#/, ''),
      query: [...parsed.searchParams.entries()],
    };
  } catch {
    // CONNECT targets (host:port) and other non-URLs: compare as a path.
    return { scheme: '', host: '', port: '', path: url, fragment: '', query: [] };
  }
}

function row(name: string, left: string, right: string): ValueChange {
  return { name, kind: left === right ? 'same' : 'changed', left, right };
}

export function diffUrls(leftUrl: string, rightUrl: string): UrlDiff {
  const a = split(leftUrl);
  const b = split(rightUrl);
  const parts: ValueChange[] = [
    row('scheme', a.scheme, b.scheme),
    row('host', a.host, b.host),
    row('port', a.port, b.port),
    row('path', a.path, b.path),
  ];
  if (a.fragment || b.fragment) parts.push(row('fragment', a.fragment, b.fragment));

  const groupOf = (pairs: [string, string][]): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const [name, value] of pairs) map.set(name, [...(map.get(name) ?? []), value]);
    return map;
  };
  const left = groupOf(a.query);
  const right = groupOf(b.query);
  const query: ValueChange[] = [];
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const l = left.get(name);
    const r = right.get(name);
    if (!l) query.push({ name, kind: 'added', right: r!.join(', ') });
    else if (!r) query.push({ name, kind: 'removed', left: l.join(', ') });
    else {
      const change: ValueChange = { name, kind: 'same', left: l.join(', '), right: r.join(', ') };
      if (l.length !== r.length || l.some((v, i) => v !== r[i])) change.kind = 'changed';
      if (l.length !== r.length) change.note = `${l.length}× on the left, ${r.length}× on the right`;
      query.push(change);
    }
  }
  const sameSet = query.every((q) => q.kind === 'same');
  const queryOrderChanged =
    sameSet && a.query.some(([name, value], i) => b.query[i]?.[0] !== name || b.query[i]?.[1] !== value);
  return { parts, query, queryOrderChanged };
}
