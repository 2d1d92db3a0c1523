import type { Header } from '../../../shared/model';
import { REPLAY_MANAGED_HEADERS, TOKEN_PATTERN } from '../../../shared/replay';

/** Headers as the editor shows them: one `Name: value` a line, in order, duplicates kept. */
export function headersToLines(headers: readonly Header[]): string {
  return headers.map((h) => `${h.name}: ${h.value}`).join('\n');
}

/** The headers the editor starts from: the recorded ones without those the replay sets itself. */
export function editableHeaders(headers: readonly Header[], dropContentEncoding: boolean): Header[] {
  return headers.filter((h) => {
    const lower = h.name.toLowerCase();
    if (REPLAY_MANAGED_HEADERS.has(lower)) return false;
    return !(dropContentEncoding && lower === 'content-encoding');
  });
}

export type ParsedHeaderLines =
  { ok: true; headers: Header[] } | { ok: false; line: number; problem: string };

/**
 * Parses the editor's text back. Blank lines are skipped; the value is what follows the first
 * colon, trimmed (RFC 9110 §5.5: surrounding whitespace is not part of a field value).
 */
export function parseHeaderLines(text: string): ParsedHeaderLines {
  const headers: Header[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':', line.startsWith(':') ? 1 : 0);
    if (colon <= 0) return { ok: false, line: index + 1, problem: 'expected "Name: value"' };
    const name = line.slice(0, colon).trim();
    if (!TOKEN_PATTERN.test(name))
      return { ok: false, line: index + 1, problem: `"${name}" is not a header name (no spaces or quotes)` };
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return { ok: true, headers };
}
