/**
 * What the proxy changed in a request's headers between the client and the upstream server
 * (hop-by-hop fields removed per RFC 9110 §7.6.1, Host rewritten, fields a rule set or removed).
 * Names compare without regard to case (RFC 9110 §5.1); values compare exactly. Order and the
 * letter case of names are not changes: HTTP gives them no meaning across different names.
 */
import type { Header } from '../../../shared/model';

export type HeaderChange =
  | { kind: 'removed'; name: string; value: string }
  | { kind: 'added'; name: string; value: string }
  | { kind: 'changed'; name: string; from: string; to: string };

interface Field {
  name: string;
  values: string[];
}

function group(headers: readonly Header[]): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    const field = fields.get(key);
    if (field) field.values.push(value);
    else fields.set(key, { name, values: [value] });
  }
  return fields;
}

/** Removes the values both lists hold (as many times as both hold them). */
function withoutCommon(a: readonly string[], b: readonly string[]): [string[], string[]] {
  const rest = [...b];
  const only: string[] = [];
  for (const value of a) {
    const at = rest.indexOf(value);
    if (at >= 0) rest.splice(at, 1);
    else only.push(value);
  }
  return [only, rest];
}

/** The changes, in the client's order of names, then the names only the upstream request has. */
export function headerChanges(client: readonly Header[], upstream: readonly Header[]): HeaderChange[] {
  const before = group(client);
  const after = group(upstream);
  const changes: HeaderChange[] = [];
  const keys = [...before.keys(), ...[...after.keys()].filter((key) => !before.has(key))];
  for (const key of keys) {
    const sent = before.get(key);
    const forwarded = after.get(key);
    const name = forwarded?.name ?? sent!.name;
    const [removed, added] = withoutCommon(sent?.values ?? [], forwarded?.values ?? []);
    const paired = Math.min(removed.length, added.length);
    for (let i = 0; i < paired; i += 1)
      changes.push({ kind: 'changed', name, from: removed[i]!, to: added[i]! });
    for (const value of removed.slice(paired)) changes.push({ kind: 'removed', name, value });
    for (const value of added.slice(paired)) changes.push({ kind: 'added', name, value });
  }
  return changes;
}
