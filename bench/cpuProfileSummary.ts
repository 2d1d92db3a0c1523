/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the busy time went: by category
 * (native I/O, GC, Node's own JS by module, application JS) and the application functions
 * with the most self time. `npm run bench -- --cpu-prof DIR` prints it for each proxy.
 *
 *   node --import tsx bench/cpuProfileSummary.ts FILE.cpuprofile [APP_URL_PART]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  busyMs: number;
  categories: { name: string; share: number }[];
  appFunctions: { name: string; share: number }[];
}

/** `appUrlPart` picks the application's frames (e.g. the bundle's file name). */
export function summarizeCpuProfile(profile: CpuProfile, appUrlPart: string, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  let busyUs = 0;
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += us;
    let category: string;
    if (frame.url.includes(appUrlPart)) {
      category = 'application JS (self)';
      const name = `${frame.functionName || '(anonymous)'}:${frame.lineNumber + 1}`;
      functions.set(name, (functions.get(name) ?? 0) + us);
    } else if (frame.functionName === '(garbage collector)') category = 'garbage collector';
    else if (frame.url.startsWith('node:')) category = `node ${frame.url.replace(/^node:(internal\/)?/, '')}`;
    else if (frame.url === '') category = `native ${frame.functionName}`;
    else category = 'other JS';
    categories.set(category, (categories.get(category) ?? 0) + us);
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, share: busyUs > 0 ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, categories: ranked(categories), appFunctions: ranked(functions) };
}

export function formatSummary(title: string, summary: ProfileSummary): string[] {
  const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`;
  return [
    `${title}: ${summary.busyMs.toFixed(0)} ms busy`,
    '  where the busy time went:',
    ...summary.categories.map((c) => `    ${pct(c.share)}  ${c.name}`),
    '  application functions by self time:',
    ...summary.appFunctions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, app = 'electron/'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/cpuProfileSummary.ts FILE.cpuprofile [APP_URL_PART]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const line of formatSummary(file, summarizeCpuProfile(profile, app, 25))) console.log(line);
}
