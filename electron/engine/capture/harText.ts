/**
 * HAR written as it goes: the log's own fields, then entries one per line, then the closing
 * brackets. A session of any length never becomes one string (V8 caps a string far below what
 * 100,000 entries with bodies take), and the file stays valid JSON that `grep` still reads
 * entry by entry.
 */
export function harHeadText(creatorVersion: string): string {
  const head = JSON.stringify({
    log: { version: '1.2', creator: { name: 'NetLens', version: creatorVersion }, entries: [] },
  });
  // `{"log":{...,"entries":[]}}`: cut after `[`; the entries and `]}}` follow.
  return `${head.slice(0, head.length - ']}}'.length)}\n`;
}
