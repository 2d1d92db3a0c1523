/**
 * The globs of rule matches: `*` any run of characters (`/` included), `?` one character,
 * `[abc]`/`[a-z]`/`[!a]` one of a set, `{one,two}` one of several alternatives; `\` escapes the
 * next character. Compiled once into an anchored regular expression; a glob that cannot compile
 * (an unclosed `[` or `{`, an empty set) is a message saying so.
 */

export type GlobMatcher = (text: string) => boolean;

const SPECIAL = /[.+^$()|\\/]/;
const MAX_GLOB_LENGTH = 1024;

function escapeChar(ch: string): string {
  return SPECIAL.test(ch) || ch === '[' || ch === ']' || ch === '{' || ch === '}' || ch === '*' || ch === '?'
    ? `\\${ch}`
    : ch;
}

/** The regular expression source of a glob, or the problem with it. */
export function globSource(glob: string): { source: string } | { problem: string } {
  if (glob.length > MAX_GLOB_LENGTH) return { problem: `longer than ${MAX_GLOB_LENGTH} characters` };
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i]!;
    if (ch === '\\') {
      const next = glob[i + 1];
      if (next === undefined) return { problem: 'ends with a lone "\\" (escape what?)' };
      out += escapeChar(next);
      i += 1;
    } else if (ch === '*') {
      // `**` is the same as `*`: one run of anything.
      while (glob[i + 1] === '*') i += 1;
      out += '.*';
    } else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) return { problem: `"[" at position ${i + 1} is never closed with "]"` };
      let body = glob.slice(i + 1, close);
      let negated = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negated = true;
        body = body.slice(1);
      }
      if (body === '') return { problem: `the set at position ${i + 1} is empty` };
      const parts = body.replace(/\\/g, '\\\\').replace(/]/g, '\\]');
      // A range written backwards (`[z-a]`) is refused by RegExp: say so here, in the glob's terms.
      const range = /(.)-(.)/.exec(body);
      if (range && range[1]! > range[2]!)
        return { problem: `the range "${range[0]}" at position ${i + 1} runs backwards` };
      out += `[${negated ? '^' : ''}${parts}]`;
      i = close;
    } else if (ch === '{') {
      braceDepth += 1;
      out += '(?:';
    } else if (ch === '}') {
      if (braceDepth === 0) return { problem: `"}" at position ${i + 1} closes nothing` };
      braceDepth -= 1;
      out += ')';
    } else if (ch === ',' && braceDepth > 0) out += '|';
    else out += escapeChar(ch);
  }
  if (braceDepth > 0) return { problem: '"{" is never closed with "}"' };
  return { source: `^${out}$` };
}

/** A matcher for a glob, or the problem with it. `ignoreCase` for host names. */
export function compileGlob(glob: string, ignoreCase: boolean): GlobMatcher | string {
  // The common shapes go without a regular expression: `*`, an exact text, `*.suffix`, `prefix*`.
  if (glob === '*' || glob === '**') return () => true;
  if (!/[*?[\]{}\\]/.test(glob)) {
    const exact = ignoreCase ? glob.toLowerCase() : glob;
    return ignoreCase ? (text) => text.toLowerCase() === exact : (text) => text === exact;
  }
  const compiled = globSource(glob);
  if ('problem' in compiled) return compiled.problem;
  try {
    const regex = new RegExp(compiled.source, ignoreCase ? 'is' : 's');
    return (text) => regex.test(text);
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
}
