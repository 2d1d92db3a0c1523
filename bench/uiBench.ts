/**
 * UI benchmark (`npm run bench:ui`): the built renderer in web mode (`netlens web`) in headless
 * Chromium.
 *
 * 1. Ingest 50,000 exchanges at 2,000/s (a started and a finished event each, in ~50 ms batches
 *    as the engine's batcher sends them) while recording frame times (requestAnimationFrame deltas).
 * 2. Grow to 100,000 exchanges, then scroll the traffic list and the waterfall, recording frame times.
 * 3. Switch Traffic → Overview → Waterfall → Traffic at 100,000 exchanges: each view's open time
 *    (the click to the first frame showing the view, and for the Overview to its cards with every
 *    exchange summarised) and the long tasks (PerformanceObserver 'longtask', > 50 ms) from the
 *    click until the page is idle.
 * 4. Filter the 100,000 rows (a whole filter typed at once, as a paste): the input event to the
 *    first frame with the filtered count; then clearing it.
 * 5. Renderer JS heap at 100,000 exchanges, after a forced GC (CDP HeapProfiler + Runtime.getHeapUsage).
 *
 * The synthetic events enter through the page's real WebSocket client (a message on the socket
 * the UI opened to `netlens web`): JSON parsing, the API client, the store and React all do their
 * real work. Only the proxy is bypassed, because 2,000 real exchanges per second would measure
 * the proxy (that is `npm run bench`), not the UI. Production code has no hook for this: the
 * benchmark wraps window.WebSocket from an init script.
 *
 * Chromium runs without vsync and frame-rate limit, so a frame's delta is its real cost.
 *
 * Bars (issues 3 and 12): p95 < 33 ms while ingesting, < 16 ms while scrolling at 100k, heap
 * < 400 MB; a view opens in < 200 ms with no long task > 100 ms; filter < 300 ms.
 * `--profile FILE` writes the renderer's CPU profiles of the ingest (FILE), the list scroll
 * (FILE.scroll), each view switch (FILE.overview, FILE.waterfall, FILE.traffic) and the filter
 * (FILE.filter).
 * `--screenshot FILE` saves the Overview at full size once it is complete (a PNG).
 * `--explain` prints what the main thread's tasks over 100 ms of CPU in a view switch held.
 * `--count N` grows to N exchanges instead of 100,000 (e.g. 1000000).
 * `--ui-url URL` attaches to a running `netlens web` instead of starting one.
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { percentile } from '../shared/percentile.js';
import { CHROMIUM_ARGS, chromiumPath, startWebApp, type WebApp } from '../tests/e2e/harness.js';

const INGEST_TOTAL = 50_000;
const INGEST_RATE_PER_S = 2_000;
const BATCH_INTERVAL_MS = 50;
const countArg = process.argv.indexOf('--count');
const FULL_TOTAL = countArg >= 0 ? Number(process.argv[countArg + 1]) : 100_000;
if (!Number.isInteger(FULL_TOTAL) || FULL_TOTAL < INGEST_TOTAL)
  throw new Error(`--count must be a whole number of at least ${INGEST_TOTAL}.`);
const SCROLL_FRAMES = 240;
/** How long the page must stay without a long task before a view switch counts as settled. */
const QUIET_MS = 1_000;
/** The filters the benchmark types: a key (1 exchange in 5, the POSTs) and free text (1 in 6). */
const BENCH_FILTERS = ['method:POST', 'orders'];
const BARS = {
  ingestP95Ms: 33,
  scrollP95Ms: 16,
  heapMb: 400,
  viewOpenMs: 200,
  longTaskMs: 100,
  filterMs: 300,
};

interface BenchWindow {
  __bench: {
    sockets: { onmessage: ((event: { data: string }) => void) | null }[];
    frames: number[];
    recording: boolean;
    /** Every long task since the page loaded (PerformanceObserver 'longtask'). */
    longTasks: { startMs: number; durationMs: number }[];
    /** Hands one engine message (JSON text) to the app's socket, as if it had arrived on the wire. */
    deliver(text: string): void;
  };
}

const t0 = Date.now();
const hosts = ['api.example.com', 'cdn.example.com', 'auth.internal', 'static.example.org', 'search.test'];
const paths = ['/v1/users', '/v1/orders?page=', '/assets/app.js', '/img/logo.png', '/token', '/search?q=net'];
const types = ['application/json', 'application/javascript', 'image/png', 'text/html; charset=utf-8'];

function exchange(i: number, finished: boolean): unknown {
  const host = hosts[i % hosts.length]!;
  const path = `${paths[i % paths.length]}${i}`;
  const failedError = i % 97 === 0;
  const status = i % 31 === 0 ? 503 : i % 17 === 0 ? 404 : 200;
  const reused = i % 3 !== 0;
  const wait = 5 + ((i * 7919) % 400);
  const base = {
    id: `bench-${i}`,
    seq: i,
    kind: 'http',
    startedAtMs: t0 + i * 2,
    request: {
      method: i % 5 === 0 ? 'POST' : 'GET',
      url: `https://${host}${path}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Host', value: host },
        { name: 'User-Agent', value: 'bench/1.0' },
        { name: 'Accept', value: '*/*' },
        { name: 'Accept-Encoding', value: 'gzip, br' },
        { name: 'X-Request-Id', value: `req-${i}` },
      ],
      body: { sizeBytes: i % 5 === 0 ? 240 : 0, capturedBytes: i % 5 === 0 ? 240 : 0, truncated: false },
    },
    connection: { id: `c${Math.floor(i / 3)}`, reused, serverIp: '127.0.0.1', serverPort: 443 },
    ...(i % 53 === 0 ? { retry: { chainId: `chain-${Math.floor(i / 53)}`, attempt: 1 + (i % 3) } } : {}),
  };
  if (!finished)
    return { ...base, state: 'pending', timings: reused ? { send: 0.2 } : { dns: 2, connect: 3, ssl: 6 } };
  if (failedError)
    return {
      ...base,
      state: 'failed',
      durationMs: 3001,
      timings: { dns: 1, connect: 3000 },
      error: {
        class: 'connect_timeout',
        phase: 'connect',
        elapsedMs: 3001,
        message: `Failed to connect to ${host}:443: TCP connect timed out after 3000 ms. Is a firewall dropping packets, or is the host down?`,
      },
    };
  const timings = reused
    ? { send: 0.2, wait, receive: 3 }
    : { dns: 2, connect: 3, ssl: 6, send: 0.2, wait, receive: 3 };
  const size = 200 + ((i * 104729) % 300_000);
  return {
    ...base,
    state: 'complete',
    durationMs: wait + (reused ? 3.2 : 14.2),
    timings,
    response: {
      status,
      statusText: status === 200 ? 'OK' : status === 404 ? 'Not Found' : 'Service Unavailable',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Content-Type', value: types[i % types.length]! },
        { name: 'Content-Length', value: String(size) },
        { name: 'Cache-Control', value: 'no-store' },
        { name: 'Date', value: 'Sat, 21 Nov 2026 06:00:00 GMT' },
      ],
      body: {
        sizeBytes: size,
        capturedBytes: size,
        truncated: false,
        contentType: types[i % types.length],
      },
    },
  };
}

/** One engine message as the web transport sends it: `{type:'events', events}`. */
function eventsMessage(fromIndex: number, count: number, finishFrom: number, finishCount: number): string {
  const events: unknown[] = [];
  for (let i = fromIndex; i < fromIndex + count; i++)
    events.push({ type: 'exchange:started', exchange: exchange(i, false) });
  for (let i = finishFrom; i < finishFrom + finishCount; i++)
    events.push({ type: 'exchange:finished', exchange: exchange(i, true) });
  return JSON.stringify({ type: 'events', events });
}

/** Runs in the page before the app: captures the app's socket and records frame times. */
function initScript(): void {
  const w = window as unknown as BenchWindow & { WebSocket: typeof WebSocket };
  const Native = w.WebSocket;
  const sockets: BenchWindow['__bench']['sockets'] = [];
  class CapturingWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this as unknown as (typeof sockets)[number]);
    }
  }
  w.WebSocket = CapturingWebSocket;
  const bench: BenchWindow['__bench'] = {
    sockets,
    frames: [],
    recording: false,
    longTasks: [],
    deliver(text) {
      const socket = sockets[sockets.length - 1];
      if (!socket?.onmessage) throw new Error('The app has no open WebSocket to deliver to.');
      socket.onmessage({ data: text });
    },
  };
  w.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      bench.longTasks.push({ startMs: entry.startTime, durationMs: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = 0;
  const tick = (now: number) => {
    if (bench.recording && last > 0) bench.frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function summary(frames: number[]): { frames: number; p50: number; p95: number; max: number } {
  return {
    frames: frames.length,
    p50: percentile(frames, 50) ?? NaN,
    p95: percentile(frames, 95) ?? NaN,
    max: Math.max(...frames),
  };
}

async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const b = (window as unknown as BenchWindow).__bench;
    b.frames = [];
    b.recording = true;
  });
}

async function stopRecording(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const b = (window as unknown as BenchWindow).__bench;
    b.recording = false;
    return b.frames;
  });
}

async function rowsInStore(page: Page): Promise<number> {
  const text = await page.getByRole('status', { name: 'Status' }).getByLabel('Exchange count').innerText();
  return Number(/(\d+) exchanges/.exec(text)?.[1] ?? /\/ (\d+) shown/.exec(text)?.[1] ?? NaN);
}

/** Ingests [from, to) at `ratePerS`, in batches every BATCH_INTERVAL_MS; finishes each 2 batches later. */
async function ingest(
  page: Page,
  from: number,
  to: number,
  ratePerS: number,
  intervalMs: number,
): Promise<void> {
  const perBatch = Math.round((ratePerS * intervalMs) / 1000);
  const lag = perBatch * 2;
  const startMs = Date.now();
  let batch = 0;
  for (let next = from; next < to + lag; next += perBatch, batch++) {
    const count = Math.max(0, Math.min(perBatch, to - next));
    const finishFrom = Math.max(from, next - lag);
    const finishCount = Math.max(0, Math.min(perBatch, to - finishFrom, next - lag + perBatch - finishFrom));
    // Built in Node, so generating the synthetic traffic costs the page nothing.
    const text = eventsMessage(next, count, finishFrom, finishCount);
    await page.evaluate((t) => (window as unknown as BenchWindow).__bench.deliver(t), text);
    // A long run (`--count 1000000`) says how far it has come, every 100,000 exchanges.
    if (to - from > 100_000 && count > 0 && Math.floor((next + count) / 100_000) > Math.floor(next / 100_000))
      console.log(`  ${next + count} exchanges sent (${((Date.now() - startMs) / 1000).toFixed(0)} s)`);
    const due = startMs + (batch + 1) * intervalMs;
    const waitMs = due - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }
}

async function scrollFrames(page: Page, selector: string, frames: number): Promise<number[]> {
  await startRecording(page);
  // A string, not a function: tsx would wrap a function in a Node-only `__name` helper.
  await page.evaluate(`new Promise((resolve, reject) => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) return reject(new Error('No scroller ${selector.replace(/'/g, '')}'));
    el.scrollTop = 0;
    let i = 0;
    const step = () => {
      // ~10 rows per frame (600 px/s at 60 fps... times 20): a fast, continuous wheel scroll.
      el.scrollTop += 200 + (i % 7) * 3;
      if (++i < ${frames}) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  })`);
  return stopRecording(page);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Runs `work` under a Chromium trace; returns the events and which are the renderer main thread's. */
async function traced<T>(
  cdp: CDPSession,
  work: () => Promise<T>,
): Promise<{ result: T; events: TraceEvent[]; mainPid?: number; onMain?: (e: TraceEvent) => boolean }> {
  const events: TraceEvent[] = [];
  const onData = (data: { value: TraceEvent[] }) => {
    for (const event of data.value) events.push(event);
  };
  // Tracing events are not in playwright's typed CDP event map.
  const events$ = cdp as unknown as {
    on(name: string, listener: (data: { value: TraceEvent[] }) => void): void;
    off(name: string, listener: (data: { value: TraceEvent[] }) => void): void;
    once(name: string, listener: () => void): void;
  };
  events$.on('Tracing.dataCollected', onData);
  const complete = new Promise<void>((resolve) => events$.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' });
  let result: T;
  try {
    result = await work();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    events$.off('Tracing.dataCollected', onData);
  }
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  if (!main) return { result, events };
  return { result, events, mainPid: main.pid, onMain: (e) => e.pid === main.pid && e.tid === main.tid };
}

/** The renderer main thread's tasks in a trace: wall-clock and CPU (thread) time, in ms. */
function mainThreadTasks(
  events: TraceEvent[],
  onMain: ((e: TraceEvent) => boolean) | undefined,
): { wallMs: number; cpuMs: number }[] {
  if (!onMain) return [];
  return events
    .filter((e) => onMain(e) && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask')
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
}

/**
 * `--explain`: for each main-thread task over 100 ms of CPU, the events inside it by name
 * (MajorGC, Layout, FunctionCall, TimerFire...) with their total wall time: where a long task
 * went when the CPU profile cannot say where one task ends.
 */
function explainLongTasks(
  label: string,
  events: TraceEvent[],
  onMain: ((e: TraceEvent) => boolean) | undefined,
): void {
  if (!onMain) return;
  const onThread = events.filter((e) => onMain(e) && e.ph === 'X' && e.dur !== undefined);
  for (const task of onThread) {
    if (task.name !== 'ThreadControllerImpl::RunTask' || (task.tdur ?? 0) < 100_000) continue;
    const inside = new Map<string, number>();
    for (const e of onThread) {
      if (e === task || e.ts < task.ts || e.ts + e.dur! > task.ts + task.dur!) continue;
      inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur! / 1000);
    }
    const parts = [...inside]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
      .join(', ');
    console.log(`  ${label}: task of ${(task.tdur! / 1000).toFixed(0)} ms CPU: ${parts}`);
  }
}

/**
 * Runs `work` under a Chromium trace and returns the renderer main thread's CPU time per frame
 * (thread time of its tasks between consecutive animation frames). Unlike wall-clock frame
 * deltas, this does not grow when other processes take the CPU away: on a shared or loaded
 * machine it is the figure that says what the UI itself costs.
 */
async function mainThreadCpuPerFrame(cdp: CDPSession, work: () => Promise<void>): Promise<number[]> {
  const { events, onMain, mainPid } = await traced(cdp, work);
  if (!onMain) return [];
  // One 'AnimationFrame' begin per rendered frame (several rAF callbacks may share a frame).
  const frames = events
    .filter((e) => e.ph === 'b' && e.name === 'AnimationFrame' && e.pid === mainPid)
    .map((e) => e.ts);
  frames.sort((a, b) => a - b);
  const tasks = events
    .filter(
      (e) => onMain(e) && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.tdur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts);
  const perFrame: number[] = [];
  let t = 0;
  for (let f = 0; f + 1 < frames.length; f++) {
    let cpuUs = 0;
    while (t < tasks.length && tasks[t]!.ts < frames[f]!) t++;
    while (t < tasks.length && tasks[t]!.ts < frames[f + 1]!) cpuUs += tasks[t++]!.tdur!;
    perFrame.push(cpuUs / 1000);
  }
  return perFrame;
}

interface ViewSwitch {
  view: string;
  /** The click to the first frame showing the view. */
  shownMs: number;
  /** The click to the first frame with the view complete (the Overview: every exchange summarised). */
  readyMs: number;
  /** Long tasks from the click until QUIET_MS without one, in ms. */
  longTasksMs: number[];
  /** The main thread's longest task in that time: CPU time (not inflated by other load) and wall clock. */
  longestCpuMs: number;
  longestWallMs: number;
  /** CPU time of each main-thread task over 50 ms of CPU, in order. */
  longCpuMs: number[];
}

/**
 * Clicks the navigation's `label` and waits, frame by frame, for `shown` and then for `ready`
 * (CSS selectors) with no `busy` element; then for QUIET_MS without a long task.
 */
async function switchView(
  page: Page,
  label: string,
  selectors: { shown: string; ready: string; busy?: string },
  cdp: CDPSession,
): Promise<ViewSwitch> {
  const { result, events, onMain } = await traced(cdp, () => openView(page, label, selectors));
  const tasks = mainThreadTasks(events, onMain);
  if (process.argv.includes('--explain')) explainLongTasks(label, events, onMain);
  return {
    ...result,
    longestCpuMs: Math.max(0, ...tasks.map((t) => t.cpuMs)),
    longestWallMs: Math.max(0, ...tasks.map((t) => t.wallMs)),
    longCpuMs: tasks.filter((t) => t.cpuMs > 50).map((t) => t.cpuMs),
  };
}

async function openView(
  page: Page,
  label: string,
  selectors: { shown: string; ready: string; busy?: string },
): Promise<Omit<ViewSwitch, 'longestCpuMs' | 'longestWallMs' | 'longCpuMs'>> {
  // A string, not a function: tsx would wrap a function in a Node-only `__name` helper.
  const { t0, shownMs, readyMs } = (await page.evaluate(`new Promise((resolve, reject) => {
    const button = [...document.querySelectorAll('nav[aria-label="Views"] button')].find(
      (b) => b.textContent.trim() === ${JSON.stringify(label)},
    );
    if (!button) return reject(new Error('No view button ${label}'));
    const t0 = performance.now();
    button.click();
    let shownMs;
    const check = () => {
      const now = performance.now();
      if (shownMs === undefined && document.querySelector(${JSON.stringify(selectors.shown)})) shownMs = now - t0;
      if (
        shownMs !== undefined &&
        document.querySelector(${JSON.stringify(selectors.ready)}) &&
        !document.querySelector(${JSON.stringify(selectors.busy ?? '#-none-')})
      )
        return resolve({ t0, shownMs, readyMs: now - t0 });
      if (now - t0 > 120000) return reject(new Error(' did not open in 120 s'));
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`)) as { t0: number; shownMs: number; readyMs: number };
  const longTasksMs = await settledLongTasks(page, t0);
  return { view: label, shownMs, readyMs, longTasksMs };
}

/** Waits until QUIET_MS pass without a long task, then returns the long tasks since `t0` (ms). */
async function settledLongTasks(page: Page, t0: number): Promise<number[]> {
  return (await page.evaluate(`new Promise((resolve) => {
    const b = window.__bench;
    const since = () => b.longTasks.filter((t) => t.startMs + t.durationMs >= ${t0});
    const poll = () => {
      const lastEnd = Math.max(${t0}, ...since().map((t) => t.startMs + t.durationMs));
      if (performance.now() - lastEnd >= ${QUIET_MS}) return resolve(since().map((t) => t.durationMs));
      setTimeout(poll, 100);
    };
    setTimeout(poll, 100);
  })`)) as number[];
}

interface FilterTiming {
  filter: string;
  /** The input event to the first frame with the new count. */
  ms: number;
  shown: string;
  longTasksMs: number[];
  longestCpuMs: number;
}

/** Types `text` into the traffic filter at once (as a paste) and times the list's update. */
async function timeFilter(page: Page, text: string, cdp: CDPSession): Promise<FilterTiming> {
  const { result, events, onMain } = await traced(cdp, () => applyFilter(page, text));
  return { ...result, longestCpuMs: Math.max(0, ...mainThreadTasks(events, onMain).map((t) => t.cpuMs)) };
}

async function applyFilter(page: Page, text: string): Promise<Omit<FilterTiming, 'longestCpuMs'>> {
  const { t0, ms, shown } = (await page.evaluate(`new Promise((resolve, reject) => {
    const input = document.querySelector('input[aria-label="Filter exchanges"]');
    const count = () => document.querySelector('[aria-label="Exchange count"]')?.textContent ?? '';
    if (!input) return reject(new Error('No filter input'));
    const before = count();
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setValue.call(input, ${JSON.stringify(text)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const check = () => {
      const now = performance.now();
      if (count() !== before) return resolve({ t0, ms: now - t0, shown: count() });
      if (now - t0 > 120000) return reject(new Error('The filter did not apply in 120 s'));
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`)) as { t0: number; ms: number; shown: string };
  return { filter: text, ms, shown, longTasksMs: await settledLongTasks(page, t0) };
}

async function profiled<T>(cdp: CDPSession, file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  await cdp.send('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
  }
}

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usage.usedSize / (1024 * 1024);
}

async function main(): Promise<void> {
  const urlArg = process.argv.indexOf('--ui-url');
  let app: WebApp | undefined;
  let browser: Browser | undefined;
  try {
    const uiUrl = urlArg >= 0 ? process.argv[urlArg + 1]! : (app = await startWebApp()).uiUrl;
    const executablePath = chromiumPath();
    if (!existsSync(executablePath))
      throw new Error(`Chromium not found at ${executablePath}: install it or set CHROMIUM_PATH.`);
    // Unthrottled frames: a requestAnimationFrame delta is then the frame's real cost, not the
    // 16.7 ms vsync interval (with vsync, no frame could ever beat the 16 ms bar).
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // tsx/esbuild may wrap functions in a `__name` helper that exists only in Node: define it.
    await page.addInitScript({ content: `var __name = (f) => f;\n(${initScript.toString()})();` });
    await page.goto(uiUrl);
    // An attached instance may hold traffic already: start from an empty list.
    await page.getByRole('toolbar', { name: 'Traffic' }).waitFor({ timeout: 30_000 });
    const clear = page.getByRole('button', { name: 'Clear', exact: true });
    if (await clear.isEnabled()) await clear.click();
    await page.getByLabel('Getting started').waitFor({ timeout: 30_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const baseHeapMb = await heapMb(cdp);

    console.log(`Ingesting ${INGEST_TOTAL} exchanges at ${INGEST_RATE_PER_S}/s ...`);
    const profileArg = process.argv.indexOf('--profile');
    if (profileArg >= 0) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await startRecording(page);
    const ingestStart = Date.now();
    const ingestCpu = await mainThreadCpuPerFrame(cdp, () =>
      ingest(page, 0, INGEST_TOTAL, INGEST_RATE_PER_S, BATCH_INTERVAL_MS),
    );
    const ingestFrames = await stopRecording(page);
    if (profileArg >= 0) {
      // `--profile FILE`: the renderer's CPU profile during the ingest (open it in DevTools).
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(process.argv[profileArg + 1]!, JSON.stringify(profile));
    }
    const ingestSeconds = (Date.now() - ingestStart) / 1000;
    const shown50k = await rowsInStore(page);

    console.log(`Growing to ${FULL_TOTAL} ...`);
    await ingest(page, INGEST_TOTAL, FULL_TOTAL, 50_000, 100);
    await page.waitForTimeout(500);
    const shownFull = await rowsInStore(page);

    if (profileArg >= 0) await cdp.send('Profiler.start');
    let listFrames: number[] = [];
    const listCpu = await mainThreadCpuPerFrame(cdp, async () => {
      listFrames = await scrollFrames(page, '[role="grid"][aria-label="Exchanges"]', SCROLL_FRAMES);
    });
    if (profileArg >= 0) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(`${process.argv[profileArg + 1]!}.scroll`, JSON.stringify(profile));
    }
    const profileFile = (suffix: string) =>
      profileArg >= 0 ? `${process.argv[profileArg + 1]!}.${suffix}` : undefined;
    const views = {
      Overview: {
        shown: 'section[aria-label="Overview"]',
        ready: 'section[aria-label="Overview"] .overview-grid',
        busy: '[aria-label="Overview progress"]',
      },
      Waterfall: {
        shown: 'section[aria-label="Waterfall"]',
        ready: `canvas[aria-label^="Waterfall chart of ${shownFull} exchanges, rows"]`,
      },
      Traffic: {
        shown: 'section[aria-label="Traffic"]',
        ready: '[role="grid"][aria-label="Exchanges"] [role="row"]:not([aria-rowindex="1"])',
      },
    };
    console.log('Switching views ...');
    const switches: ViewSwitch[] = [];
    switches.push(
      await profiled(cdp, profileFile('overview'), () => switchView(page, 'Overview', views.Overview, cdp)),
    );
    const shotArg = process.argv.indexOf('--screenshot');
    if (shotArg >= 0) await page.screenshot({ path: process.argv[shotArg + 1]!, fullPage: true });
    switches.push(
      await profiled(cdp, profileFile('waterfall'), () =>
        switchView(page, 'Waterfall', views.Waterfall, cdp),
      ),
    );
    let waterfallFrames: number[] = [];
    const waterfallCpu = await mainThreadCpuPerFrame(cdp, async () => {
      waterfallFrames = await scrollFrames(page, '[data-testid="waterfall-scroller"]', SCROLL_FRAMES);
    });
    switches.push(
      await profiled(cdp, profileFile('traffic'), () => switchView(page, 'Traffic', views.Traffic, cdp)),
    );
    console.log('Filtering ...');
    const filters: FilterTiming[] = [];
    for (const text of [...BENCH_FILTERS, '']) {
      filters.push(
        await profiled(cdp, profileFile(`filter${filters.length}`), () => timeFilter(page, text, cdp)),
      );
    }
    const heap = await heapMb(cdp);

    const ingestStats = summary(ingestFrames);
    const list = summary(listFrames);
    const waterfall = summary(waterfallFrames);
    const fmt = (s: ReturnType<typeof summary>) =>
      `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms over ${s.frames} frames`;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log('');
    console.log(
      `NetLens UI benchmark (headless Chromium, ${process.platform}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log(
      `Ingest ${INGEST_TOTAL} at ${INGEST_RATE_PER_S}/s (${ingestSeconds.toFixed(1)} s, ${shown50k} rows): ${fmt(ingestStats)}  [bar p95 < ${BARS.ingestP95Ms} ms: ${verdict(ingestStats.p95 < BARS.ingestP95Ms)}]`,
    );
    console.log(
      `Scroll list at ${shownFull} rows: ${fmt(list)}  [bar p95 < ${BARS.scrollP95Ms} ms: ${verdict(list.p95 < BARS.scrollP95Ms)}]`,
    );
    console.log(
      `Scroll waterfall at ${shownFull} rows: ${fmt(waterfall)}  [bar p95 < ${BARS.scrollP95Ms} ms: ${verdict(waterfall.p95 < BARS.scrollP95Ms)}]`,
    );
    console.log(
      `Renderer JS heap at ${shownFull} exchanges: ${heap.toFixed(1)} MB (empty app ${baseHeapMb.toFixed(1)} MB)  [bar < ${BARS.heapMb} MB: ${verdict(heap < BARS.heapMb)}]`,
    );
    const cpu = (values: number[]) => {
      const c = summary(values);
      return `p50 ${c.p50.toFixed(1)} ms, p95 ${c.p95.toFixed(1)} ms`;
    };
    console.log(
      `Main-thread CPU per frame (not inflated by other load): ingest ${cpu(ingestCpu)}; list scroll ${cpu(listCpu)}; waterfall scroll ${cpu(waterfallCpu)}`,
    );
    const longest = (ms: number[]) => (ms.length === 0 ? 0 : Math.max(...ms));
    const tasks = (ms: number[]) =>
      ms.length === 0 ? 'no long task' : `long tasks ${ms.map((m) => m.toFixed(0)).join(', ')} ms`;
    for (const v of switches) {
      const ok = v.readyMs < BARS.viewOpenMs && longest(v.longTasksMs) <= BARS.longTaskMs;
      console.log(
        `Open ${v.view} at ${shownFull}: shown ${v.shownMs.toFixed(0)} ms, complete ${v.readyMs.toFixed(0)} ms; ${tasks(v.longTasksMs)}; longest main-thread task ${v.longestCpuMs.toFixed(0)} ms CPU (${v.longestWallMs.toFixed(0)} ms wall; tasks over 50 ms CPU: ${v.longCpuMs.map((m) => m.toFixed(0)).join(', ') || 'none'})  [bar < ${BARS.viewOpenMs} ms, no long task > ${BARS.longTaskMs} ms: ${verdict(ok)}]`,
      );
    }
    for (const f of filters) {
      console.log(
        `Filter ${JSON.stringify(f.filter)} at ${shownFull}: ${f.ms.toFixed(0)} ms (${f.shown}); ${tasks(f.longTasksMs)}; longest main-thread task ${f.longestCpuMs.toFixed(0)} ms CPU  [bar < ${BARS.filterMs} ms: ${verdict(f.ms < BARS.filterMs)}]`,
      );
    }
    if (errors.length > 0) console.log(`Page errors: ${errors.join(' | ')}`);
    const ok =
      ingestStats.p95 < BARS.ingestP95Ms &&
      list.p95 < BARS.scrollP95Ms &&
      waterfall.p95 < BARS.scrollP95Ms &&
      heap < BARS.heapMb &&
      switches.every((v) => v.readyMs < BARS.viewOpenMs && longest(v.longTasksMs) <= BARS.longTaskMs) &&
      filters.every((f) => f.ms < BARS.filterMs) &&
      shownFull === FULL_TOTAL &&
      errors.length === 0;
    process.exitCode = ok ? 0 : 1;
  } finally {
    await browser?.close();
    await app?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`uiBench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
