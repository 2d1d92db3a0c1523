/**
 * `npm run bench` — NetLens as users run it, against the ceiling of this runtime, in one run.
 *
 * Targets, each in its own process (so its CPU and peak RSS are its own):
 *   direct      the client talks to the origin (no proxy)
 *   ceiling     bench/passthroughProxy.ts: a minimal forward proxy on Node's http/net/tls with
 *               keep-alive upstream and CONNECT + TLS termination by a fixed leaf, no capture
 *   proxy       `netlens proxy` (bin/netlens.js), its line per exchange written to a file
 *   proxy-json  `netlens proxy --json`, its NDJSON written to a file
 *   web         `netlens web` with a UI client connected, receiving and parsing every event batch
 *   engine      (only with --targets) createEngine() in a bare process, nobody subscribed: the
 *               engine's own cost, no path a user takes
 * Cases:
 *   small responses over keep-alive HTTP, and over intercepted HTTPS (CONNECT + TLS):
 *     N connections (default 32), one request in flight each → requests/s, p50, p99
 *   small responses over intercepted HTTP/2 (CONNECT + TLS with ALPN h2, an h2 origin): the same
 *     N requests in flight as streams of 4 HTTP/2 connections (bench/h2Load.ts)
 *   a large body (default 1 GiB): HTTP download, HTTP upload, intercepted HTTPS download,
 *     intercepted HTTP/2 download, each NetLens target first filled with --prefill exchanges
 *     (default 100,000: its store is full) → MB/s (10^6 bytes/s)
 *   the peak RSS (VmHWM) of each process over the whole run
 * Bars, for each NetLens target against the ceiling: small req/s ≥ 75% (HTTP/2 too), p50 ≤ 1.3x,
 * p99 ≤ 2x; large-body MB/s ≥ 80%; peak RSS < 250 MB for the whole run.
 *
 * Options: --duration-ms N (4000) --warmup-ms N (1000) --rounds N (3, best round kept)
 *          --connections N (32) --large-mib N (1024) --large-rounds N (2) --prefill N (100000)
 *          --only small-http,small-https,small-h2,large
 *          --targets direct,ceiling,proxy,proxy-json,web (add engine for the bare engine)
 *          --cpu-prof DIR (CPU profiles of the ceiling and the engine target) --json
 *          --netlens-config JSON (extra benchChild.ts config of the engine target, for finding
 *          where the cost is, e.g. '{"capturing":false}' or '{"clearEveryMs":1000}')
 *          --gc-report (the ceiling and engine processes print their GC pauses when they stop)
 *          --proxy-node-flags "FLAGS" (Node/V8 flags of every proxy process, e.g. --perf-basic-prof)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateCA } from '../electron/engine/tls/certificateAuthority.js';
import { LeafCertCache } from '../electron/engine/tls/leafCertCache.js';
import { bundleForNode } from '../tests/fixtures/nodeBundle.js';
import { SMALL_BODY } from './benchOrigin.js';
import { PRODUCT_TARGET_NAMES, startProductTarget, type ProductTarget } from './productTargets.js';
import { formatSummary, summarizeCpuProfile } from './cpuProfileSummary.js';
import {
  runKeepAliveLoad,
  runTransfer,
  type ClientTls,
  type LoadResult,
  type Origin,
  type Route,
  type TransferResult,
} from './loadClient.js';
import { runH2Download, runH2Load } from './h2Load.js';
import { procStatus } from './procStatus.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ───────────────────────────── options ─────────────────────────────

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}
const durationMs = Number(option('duration-ms', '4000'));
const warmupMs = Number(option('warmup-ms', '1000'));
const rounds = Math.max(1, Number(option('rounds', '3')));
const largeRounds = Math.max(1, Number(option('large-rounds', '2')));
const connections = Number(option('connections', '32'));
const largeBytes = Number(option('large-mib', '1024')) * 1024 * 1024;
const only = new Set(option('only', 'small-http,small-https,small-h2,large').split(','));
/** The HTTP/2 cases multiplex the same requests in flight on this many connections. */
const H2_SESSIONS = 4;
const prefill = Math.max(0, Number(option('prefill', '100000')));
const cpuProfDir = option('cpu-prof', '');
const jsonOutput = process.argv.includes('--json');
const gcReport = process.argv.includes('--gc-report');
const netlensConfig = JSON.parse(option('netlens-config', '{}')) as Record<string, unknown>;
const proxyNodeFlags = option('proxy-node-flags', '')
  .split(' ')
  .filter((flag) => flag !== '');
const log = (line = ''): void => {
  if (!jsonOutput) console.log(line);
};

const BARS = { rpsRatio: 0.75, p50Ratio: 1.3, p99Ratio: 2, mbpsRatio: 0.8, peakRssBytes: 250 * 1000 * 1000 };

// ───────────────────────────── child processes ─────────────────────────────

interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  ready: Record<string, number>;
}

const children = new Set<Child>();

/**
 * The child processes run an esbuild bundle of benchChild.ts, as the shipped CLI is a bundle:
 * no TypeScript loader in the measured processes (its worker thread would add to their RSS).
 */
const childBundle = path.join(
  root,
  'node_modules',
  '.cache',
  'netlens-bench',
  `benchChild-${process.pid}.mjs`,
);

async function bundleChild(): Promise<void> {
  await bundleForNode(path.join(root, 'bench', 'benchChild.ts'), childBundle);
}

async function startChild(
  name: string,
  role: string,
  config: object,
  env: NodeJS.ProcessEnv,
): Promise<Child> {
  const profile =
    role !== 'origin' && cpuProfDir !== ''
      ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfDir, name)]
      : [];
  const flags = role === 'origin' ? [] : proxyNodeFlags;
  const child = spawn(process.execPath, [...flags, ...profile, childBundle, role, JSON.stringify(config)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const ready = await new Promise<Record<string, number>>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(text.slice(0, newline)) as Record<string, number>);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready`));
    });
  });
  const entry: Child = { name, process: child, pid: child.pid!, ready };
  children.add(entry);
  return entry;
}

async function stopChild(child: Child): Promise<void> {
  children.delete(child);
  if (child.process.exitCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

process.on('exit', () => {
  for (const child of children) child.process.kill('SIGKILL');
});

/**
 * User + system CPU time of a process so far, in µs (Linux /proc/PID/stat); undefined elsewhere.
 * With `mainThread`, of its main thread only (/proc/PID/task/PID/stat): the JavaScript thread,
 * which bounds a proxy's requests/s, without V8's helper threads (concurrent GC) that run
 * beside it.
 */
async function cpuTimeUs(pid: number, mainThread = false): Promise<number | undefined> {
  try {
    const stat = await readFile(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

// sysconf(_SC_CLK_TCK) is 100 on every Linux Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

function printProfiles(): void {
  for (const name of ['ceiling', 'engine']) {
    const dir = path.join(cpuProfDir, name);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Parameters<
        typeof summarizeCpuProfile
      >[0];
      log();
      for (const line of formatSummary(
        `${name} ${file}`,
        summarizeCpuProfile(profile, path.basename(childBundle)),
      )) {
        log(line);
      }
    }
  }
  log();
  log(`Profiles under ${cpuProfDir}/{ceiling,engine}; line numbers refer to ${childBundle}`);
}

// ───────────────────────────── formatting ─────────────────────────────

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const mb = (bytes: number | undefined): string => (bytes === undefined ? '-' : (bytes / 1e6).toFixed(0));
const pad = (text: string, width: number): string => text.padStart(width);
const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

// ───────────────────────────── the run ─────────────────────────────

type TargetName = 'direct' | 'ceiling' | 'engine' | ProductTarget['name'];
const ALL_TARGETS: TargetName[] = ['direct', 'ceiling', 'engine', ...PRODUCT_TARGET_NAMES];
const targetNames: TargetName[] = (() => {
  const asked = option('targets', 'direct,ceiling,proxy,proxy-json,web').split(',');
  const unknown = asked.filter((name) => !ALL_TARGETS.includes(name as TargetName));
  if (unknown.length > 0)
    throw new Error(`Unknown target(s) ${unknown.join(', ')}: use ${ALL_TARGETS.join(', ')}.`);
  // The ceiling is what every bar is judged against.
  return ALL_TARGETS.filter((name) => name === 'ceiling' || asked.includes(name));
})();
/** The targets that are NetLens, each judged by the bars. */
const netlensNames: TargetName[] = targetNames.filter((name) => name !== 'direct' && name !== 'ceiling');

interface Target {
  name: TargetName;
  route: Route;
  pid?: number;
  stop(): Promise<void>;
  ui?: ProductTarget['uiClient'];
}

interface BarResult {
  name: string;
  value: string;
  bar: string;
  ok: boolean;
}

/** A copy of the data directory holding the NetLens CA, so the client trusts every target. */
function copyOf(dataDir: string, copy: string): string {
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

/** Sends `count` small requests through a target (bounded in time), to fill its store. */
async function fill(target: Target, origin: Origin, clientTls: ClientTls, count: number): Promise<number> {
  const result = await runKeepAliveLoad({
    origin,
    route: target.route,
    clientTls,
    path: '/small',
    connections,
    warmupMs: 0,
    durationMs: 600_000,
    maxRequests: count,
  });
  return result.allRequests;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'netlens-bench-'));
  const bars: BarResult[] = [];
  const results: Record<string, unknown> = {};
  const targets = new Map<TargetName, Target>();
  try {
    await bundleChild();
    // Two CAs, as in real life: the origin's (trusted by the proxies upstream through
    // NODE_EXTRA_CA_CERTS) and NetLens' (trusted by the client for intercepted HTTPS). The
    // ceiling presents a leaf from NetLens' CA too, minted the same way NetLens mints its own.
    const originCa = await loadOrCreateCA(path.join(work, 'origin-ca'));
    const originLeaf = new LeafCertCache(originCa).get('127.0.0.1');
    const originCaFile = path.join(work, 'origin-ca.pem');
    writeFileSync(originCaFile, originCa.certPem);
    const netlensHome = path.join(work, 'netlens-home');
    const netlensCa = await loadOrCreateCA(netlensHome);
    const ceilingLeaf = new LeafCertCache(netlensCa).get('127.0.0.1');
    const clientTls: ClientTls = { ca: [originCa.certPem, netlensCa.certPem] };
    const proxyEnv = { ...process.env, NODE_EXTRA_CA_CERTS: originCaFile };

    const origin = await startChild(
      'origin',
      'origin',
      { certPem: originLeaf.certPem, keyPem: originLeaf.keyPem },
      process.env,
    );
    for (const name of targetNames) {
      if (name === 'direct') {
        targets.set(name, { name, route: { kind: 'direct' }, stop: async () => undefined });
      } else if (name === 'ceiling' || name === 'engine') {
        const child =
          name === 'ceiling'
            ? await startChild(
                'ceiling',
                'passthrough',
                { leafCertPem: ceilingLeaf.certPem, leafKeyPem: ceilingLeaf.keyPem, gcReport },
                proxyEnv,
              )
            : await startChild(
                'engine',
                'netlens',
                { gcReport, ...netlensConfig, dataDir: copyOf(netlensHome, path.join(work, 'data-engine')) },
                proxyEnv,
              );
        targets.set(name, {
          name,
          route: { kind: 'proxy', host: '127.0.0.1', port: child.ready.port! },
          pid: child.pid,
          stop: () => stopChild(child),
        });
      } else {
        const product = await startProductTarget({
          name,
          root,
          work,
          caHome: netlensHome,
          env: proxyEnv,
          nodeFlags: proxyNodeFlags,
        });
        targets.set(name, {
          name,
          route: { kind: 'proxy', host: '127.0.0.1', port: product.port },
          pid: product.pid,
          stop: () => product.stop(),
          ...(product.uiClient ? { ui: product.uiClient } : {}),
        });
      }
    }
    const httpOrigin: Origin = { secure: false, host: '127.0.0.1', port: origin.ready.httpPort! };
    const httpsOrigin: Origin = { secure: true, host: '127.0.0.1', port: origin.ready.httpsPort! };
    const h2Origin: Origin = { secure: true, host: '127.0.0.1', port: origin.ready.h2Port! };
    // The peak RSS of each process over the run, sampled (VmRSS) and read from VmHWM.
    const peakRss = new Map<TargetName, number>();
    const samplePeaks = async (): Promise<void> => {
      for (const target of targets.values()) {
        if (target.pid === undefined) continue;
        const rss = Math.max(
          (await procStatus(target.pid, 'VmRSS')) ?? 0,
          (await procStatus(target.pid, 'VmHWM')) ?? 0,
        );
        peakRss.set(target.name, Math.max(peakRss.get(target.name) ?? 0, rss));
      }
    };
    const peakSampler = setInterval(() => void samplePeaks(), 250);

    log(
      `NetLens proxy benchmark — Node ${process.version}, ${process.platform} ${process.arch}, ` +
        `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'})`,
    );
    log(
      `${connections} keep-alive connections, ${warmupMs} ms warm-up + ${durationMs} ms per run, ` +
        `best of ${rounds} round(s); large body ${largeBytes / 1024 / 1024} MiB after ${prefill} stored exchanges`,
    );
    log(`Targets: ${targetNames.join(', ')}`);

    for (const [key, label, target] of [
      ['small-http', 'keep-alive HTTP', httpOrigin],
      ['small-https', 'intercepted HTTPS (CONNECT + TLS)', httpsOrigin],
      ['small-h2', `intercepted HTTP/2 (${connections} streams on ${H2_SESSIONS} connections)`, h2Origin],
    ] as const) {
      if (!only.has(key)) continue;
      log();
      log(`Small responses (${SMALL_BODY.length} B body) over ${label}`);
      const best = new Map<TargetName, LoadResult>();
      // The proxy's own CPU per request over every round: steadier than req/s on a busy machine.
      const cpu = new Map<TargetName, { us: number; mainUs: number; requests: number }>();
      for (let round = 0; round < rounds; round += 1) {
        for (const name of targetNames) {
          const pid = targets.get(name)!.pid;
          const cpuBefore = pid !== undefined ? await cpuTimeUs(pid) : undefined;
          const mainBefore = pid !== undefined ? await cpuTimeUs(pid, true) : undefined;
          const route = targets.get(name)!.route;
          const result =
            key === 'small-h2'
              ? await runH2Load({
                  origin: target,
                  route,
                  clientTls,
                  path: '/small',
                  sessions: H2_SESSIONS,
                  streamsPerSession: Math.max(1, Math.round(connections / H2_SESSIONS)),
                  warmupMs,
                  durationMs,
                })
              : await runKeepAliveLoad({
                  origin: target,
                  route,
                  clientTls,
                  path: '/small',
                  connections,
                  warmupMs,
                  durationMs,
                });
          const cpuAfter = pid !== undefined ? await cpuTimeUs(pid) : undefined;
          const mainAfter = pid !== undefined ? await cpuTimeUs(pid, true) : undefined;
          if (cpuBefore !== undefined && cpuAfter !== undefined) {
            const sum = cpu.get(name) ?? { us: 0, mainUs: 0, requests: 0 };
            cpu.set(name, {
              us: sum.us + cpuAfter - cpuBefore,
              mainUs: sum.mainUs + (mainAfter ?? NaN) - (mainBefore ?? NaN),
              requests: sum.requests + result.allRequests,
            });
          }
          const previous = best.get(name);
          if (!previous || result.requestsPerSecond > previous.requestsPerSecond) best.set(name, result);
        }
      }
      log(
        `  ${'target'.padEnd(10)} ${pad('req/s', 9)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('mean ms', 8)} ${pad('errors', 7)} ${pad('proxy CPU µs/req', 17)} ${pad('main thread', 12)}`,
      );
      const cpuPerRequest = (name: TargetName, mainThread = false): number => {
        const sum = cpu.get(name);
        return sum && sum.requests > 0 ? (mainThread ? sum.mainUs : sum.us) / sum.requests : NaN;
      };
      for (const name of targetNames) {
        const r = best.get(name)!;
        log(
          `  ${name.padEnd(10)} ${pad(r.requestsPerSecond.toFixed(0), 9)} ${pad(fixed(r.p50Ms), 8)} ` +
            `${pad(fixed(r.p99Ms), 8)} ${pad(fixed(r.meanMs), 8)} ${pad(String(r.errors), 7)} ` +
            `${pad(name === 'direct' ? '-' : fixed(cpuPerRequest(name), 0), 17)} ` +
            `${pad(name === 'direct' ? '-' : fixed(cpuPerRequest(name, true), 0), 12)}`,
        );
      }
      const ceiling = best.get('ceiling')!;
      for (const name of netlensNames) {
        const netlens = best.get(name)!;
        const rpsRatio = netlens.requestsPerSecond / ceiling.requestsPerSecond;
        const p50Ratio = netlens.p50Ms / ceiling.p50Ms;
        const p99Ratio = netlens.p99Ms / ceiling.p99Ms;
        const caseBars = [
          {
            name: `${name} ${key} req/s`,
            value: percent(rpsRatio),
            bar: `≥ ${percent(BARS.rpsRatio)}`,
            ok: rpsRatio >= BARS.rpsRatio,
          },
          {
            name: `${name} ${key} p50`,
            value: `${p50Ratio.toFixed(2)}x`,
            bar: `≤ ${BARS.p50Ratio}x`,
            ok: p50Ratio <= BARS.p50Ratio,
          },
          {
            name: `${name} ${key} p99`,
            value: `${p99Ratio.toFixed(2)}x`,
            bar: `≤ ${BARS.p99Ratio}x`,
            ok: p99Ratio <= BARS.p99Ratio,
          },
        ];
        bars.push(...caseBars);
        log(
          `  ${name} / ceiling: ${caseBars.map((b) => `${b.name.split(' ').pop()} ${b.value} ${verdict(b.ok)}`).join('; ')}; ` +
            `proxy CPU per request ${fixed(cpuPerRequest(name) / cpuPerRequest('ceiling'))}x ` +
            `(main thread ${fixed(cpuPerRequest(name, true) / cpuPerRequest('ceiling', true))}x)`,
        );
      }
      log(
        `  ceiling / direct req/s ${targets.has('direct') ? percent(ceiling.requestsPerSecond / best.get('direct')!.requestsPerSecond) : '-'}`,
      );
      results[key] = Object.fromEntries(
        targetNames.map((name) => [
          name,
          {
            ...best.get(name)!,
            proxyCpuUsPerRequest: cpuPerRequest(name),
            proxyMainThreadCpuUsPerRequest: cpuPerRequest(name, true),
            requestsAllRounds: cpu.get(name)?.requests,
          },
        ]),
      );
    }

    if (only.has('large')) {
      if (prefill > 0) {
        log();
        log(`Filling each NetLens target with ${prefill} small exchanges before the large bodies`);
        for (const name of netlensNames) {
          const sent = await fill(targets.get(name)!, httpOrigin, clientTls, prefill);
          const rss = await procStatus(targets.get(name)!.pid!, 'VmRSS');
          log(`  ${name.padEnd(10)} ${sent} requests; RSS now ${mb(rss)} MB`);
        }
      }
      log();
      log(
        `Large body (${largeBytes / 1024 / 1024} MiB), one request on a fresh connection, best MB/s of ${largeRounds} round(s)`,
      );
      log(`  ${'transfer'.padEnd(16)} ${'target'.padEnd(10)} ${pad('MB/s', 8)} ${pad('seconds', 8)}`);
      const large: Record<string, Record<string, TransferResult>> = {};
      for (const [key, target, direction] of [
        ['http download', httpOrigin, 'download'],
        ['http upload', httpOrigin, 'upload'],
        ['https download', httpsOrigin, 'download'],
        ['h2 download', h2Origin, 'download'],
      ] as const) {
        if (key === 'h2 download' && !only.has('small-h2')) continue;
        const byTarget: Record<string, TransferResult> = {};
        large[key] = byTarget;
        // Rounds interleaved by target; MB/s is the best round's.
        for (let round = 0; round < largeRounds; round += 1) {
          for (const name of targetNames) {
            const route = targets.get(name)!.route;
            const result =
              key === 'h2 download'
                ? await runH2Download(target, route, clientTls, largeBytes)
                : await runTransfer(target, route, clientTls, direction, largeBytes);
            const previous = byTarget[name];
            if (!previous || result.megabytesPerSecond > previous.megabytesPerSecond) byTarget[name] = result;
          }
        }
        for (const name of targetNames) {
          const result = byTarget[name]!;
          log(
            `  ${key.padEnd(16)} ${name.padEnd(10)} ${pad(result.megabytesPerSecond.toFixed(0), 8)} ` +
              `${pad(result.seconds.toFixed(2), 8)}`,
          );
        }
        for (const name of netlensNames) {
          const ratio = byTarget[name]!.megabytesPerSecond / byTarget.ceiling!.megabytesPerSecond;
          const mbpsBar = {
            name: `${name} ${key} MB/s`,
            value: percent(ratio),
            bar: `≥ ${percent(BARS.mbpsRatio)}`,
            ok: ratio >= BARS.mbpsRatio,
          };
          bars.push(mbpsBar);
          log(`  ${name} / ceiling: ${mbpsBar.value} (bar ${mbpsBar.bar}) ${verdict(mbpsBar.ok)}`);
        }
      }
      results.large = large;
    }

    clearInterval(peakSampler);
    await samplePeaks();
    log();
    log('Peak RSS of each process over the whole run');
    for (const name of targetNames) {
      if (!peakRss.has(name)) continue;
      const peak = peakRss.get(name)!;
      const judged = netlensNames.includes(name);
      if (judged)
        bars.push({
          name: `${name} peak RSS`,
          value: `${mb(peak)} MB`,
          bar: `< ${BARS.peakRssBytes / 1e6} MB`,
          ok: peak < BARS.peakRssBytes,
        });
      log(
        `  ${name.padEnd(10)} ${pad(mb(peak), 6)} MB${judged ? ` (bar < ${BARS.peakRssBytes / 1e6} MB)` : ''}`,
      );
    }
    results.peakRssBytes = Object.fromEntries(peakRss);
    const ui = targets.get('web')?.ui;
    if (ui) {
      log(
        `The web target's UI client received ${ui.events} events in ${ui.batches} batches` +
          (ui.closedWith ? `; the server closed it: ${ui.closedWith}` : ''),
      );
      results.webUiClient = { ...ui };
    }

    for (const target of targets.values()) await target.stop();
    await stopChild(origin);

    log();
    log('Bars (each NetLens target against the ceiling):');
    for (const bar of bars)
      log(`  ${verdict(bar.ok)}  ${bar.name.padEnd(34)} ${pad(bar.value, 8)}  (bar ${bar.bar})`);
    log(`${bars.filter((b) => b.ok).length} of ${bars.length} bars met.`);
    if (cpuProfDir !== '') printProfiles();
    if (jsonOutput) {
      console.log(
        JSON.stringify({
          node: process.version,
          cpus: os.cpus().length,
          connections,
          durationMs,
          rounds,
          largeBytes,
          prefill,
          targets: targetNames,
          results,
          bars,
        }),
      );
    }
  } finally {
    await Promise.all([...targets.values()].map((target) => target.stop()));
    await Promise.all([...children].map(stopChild));
    rmSync(work, { recursive: true, force: true });
    // Kept with --cpu-prof: the profiles' line numbers point into it.
    if (cpuProfDir === '') rmSync(childBundle, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
