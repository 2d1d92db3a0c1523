/**
 * The README and docs/ tell the truth about where things are: every relative link reaches a file
 * (and a heading, when it names one) inside the repo, and every command the README's CLI table
 * lists is one the `netlens` program has.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '@cli/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} +(.+?) *$/gm)) {
    found.add(
      match[1]!
        .toLowerCase()
        .replace(/[`*]/g, '')
        .replace(/[^\p{L}\p{N}_ -]/gu, '')
        .replace(/ /g, '-'),
    );
  }
  return found;
}

function links(markdown: string): string[] {
  // Inline links outside code spans and fences.
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

describe('links in the README and docs/', () => {
  for (const page of pages) {
    it(`${page}: every relative link reaches a file and heading inside the repo`, () => {
      const text = readFileSync(path.join(root, page), 'utf8');
      const broken: string[] = [];
      for (const link of links(text)) {
        if (/^[a-z]+:/i.test(link)) continue;
        const [file, anchor] = link.split('#') as [string, string | undefined];
        const target =
          file === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), file);
        if (!target.startsWith(root + path.sep)) broken.push(`${link} (outside the repo)`);
        else if (!existsSync(target)) broken.push(`${link} (no such file)`);
        else if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor))
          broken.push(`${link} (no such heading)`);
      }
      expect(broken).toEqual([]);
    });
  }
});

describe('the README CLI table', () => {
  it('lists only commands the netlens program has', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const listed = new Set([...readme.matchAll(/^\| `netlens ([a-z-]+)/gm)].map((match) => match[1]!));
    expect(listed.size).toBeGreaterThan(5);
    const commands = new Set(buildProgram().commands.map((command) => command.name()));
    expect([...listed].filter((name) => !commands.has(name))).toEqual([]);
  });
});
