/**
 * The fixed session the screenshot test imports: the same exchanges, times and bodies on every
 * run (no live traffic, whose ports, clocks and durations change), with what each view needs to
 * draw something — successes on three origins, a 404, a 500, a refused connection, a retry chain
 * that ends in a success, JSON bodies. All on 127.0.0.1 (never sent: it is imported).
 */
const START_MS = Date.UTC(2026, 0, 15, 9, 30, 0);

interface EntrySpec {
  atMs: number;
  method?: string;
  url: string;
  status?: number;
  statusText?: string;
  /** dns, connect, send, wait, receive in ms (blocked 0). */
  phases: [number, number, number, number, number];
  body?: unknown;
  error?: { class: string; phase: string; message: string };
  retry?: { chainId: string; attempt: number };
  source?: string;
}

const json = (value: unknown) => JSON.stringify(value);

const SPECS: EntrySpec[] = [
  {
    atMs: 0,
    url: 'http://127.0.0.1:8080/api/users?page=1',
    phases: [-1, 0.4, 0.2, 18, 2],
    body: {
      users: [
        { id: 1, name: 'Ada' },
        { id: 2, name: 'Linus' },
      ],
      page: 1,
    },
  },
  {
    atMs: 40,
    url: 'http://127.0.0.1:8080/api/users/1',
    phases: [-1, -1, 0.1, 12, 1],
    body: { id: 1, name: 'Ada', roles: ['admin'] },
  },
  {
    atMs: 95,
    method: 'POST',
    url: 'http://127.0.0.1:8080/api/orders',
    phases: [-1, -1, 0.6, 41, 3],
    status: 201,
    statusText: 'Created',
    body: { id: 'ord-000123', total: 42.5 },
  },
  {
    atMs: 160,
    url: 'http://127.0.0.1:8081/static/app.js',
    phases: [-1, 0.5, 0.1, 6, 14],
    body: 'console.log("app");',
  },
  {
    atMs: 210,
    url: 'http://127.0.0.1:8080/api/missing',
    phases: [-1, -1, 0.1, 8, 0.5],
    status: 404,
    statusText: 'Not Found',
    body: { error: 'not found' },
  },
  {
    atMs: 260,
    url: 'http://127.0.0.1:8082/api/report',
    phases: [-1, 0.6, 0.2, 95, 4],
    status: 500,
    statusText: 'Internal Server Error',
    body: { error: 'database unavailable' },
  },
  {
    atMs: 330,
    url: 'http://127.0.0.1:9/health',
    phases: [-1, 1.2, 0, 0, 0],
    error: {
      class: 'connect_refused',
      phase: 'connect',
      message:
        'Failed to connect to 127.0.0.1:9: the TCP connect was refused after 1.2 ms. Nothing is listening on port 9 there: is the service running, on this port and address?',
    },
  },
  { atMs: 400, url: 'http://127.0.0.1:8080/health', phases: [-1, -1, 0.1, 3, 0.2], body: { ok: true } },
  {
    atMs: 500,
    url: 'http://127.0.0.1:8082/api/jobs/7',
    phases: [-1, -1, 0.1, 20, 1],
    status: 503,
    statusText: 'Service Unavailable',
    body: { retry: true },
    retry: { chainId: 'chain-1', attempt: 1 },
  },
  {
    atMs: 620,
    url: 'http://127.0.0.1:8082/api/jobs/7',
    phases: [-1, -1, 0.1, 22, 1],
    status: 503,
    statusText: 'Service Unavailable',
    body: { retry: true },
    retry: { chainId: 'chain-1', attempt: 2 },
  },
  {
    atMs: 860,
    url: 'http://127.0.0.1:8082/api/jobs/7',
    phases: [-1, -1, 0.1, 25, 2],
    body: { id: 7, state: 'done' },
    retry: { chainId: 'chain-1', attempt: 3 },
  },
  { atMs: 900, url: 'http://127.0.0.1:8080/health', phases: [-1, -1, 0.1, 2.5, 0.2], body: { ok: true } },
];

function entry(spec: EntrySpec, index: number): Record<string, unknown> {
  const [dns, connect, send, wait, receive] = spec.phases;
  const url = new URL(spec.url);
  const text = spec.body === undefined ? '' : typeof spec.body === 'string' ? spec.body : json(spec.body);
  const mimeType = typeof spec.body === 'string' ? 'application/javascript' : 'application/json';
  const time = [dns, connect, send, wait, receive].filter((ms) => ms > 0).reduce((a, b) => a + b, 0);
  const method = spec.method ?? 'GET';
  const requestBody = method === 'POST' ? json({ item: 'book', quantity: 1 }) : '';
  return {
    startedDateTime: new Date(START_MS + spec.atMs).toISOString(),
    time,
    request: {
      method,
      url: spec.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [
        { name: 'Host', value: url.host },
        { name: 'User-Agent', value: 'curl/8.14.1' },
        { name: 'Accept', value: '*/*' },
        ...(requestBody ? [{ name: 'Content-Type', value: 'application/json' }] : []),
      ],
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(requestBody ? { postData: { mimeType: 'application/json', text: requestBody } } : {}),
      headersSize: -1,
      bodySize: requestBody.length,
    },
    response: spec.error
      ? {
          status: 0,
          statusText: '',
          httpVersion: '',
          cookies: [],
          headers: [],
          content: { size: 0, mimeType: '' },
          redirectURL: '',
          headersSize: -1,
          bodySize: -1,
        }
      : {
          status: spec.status ?? 200,
          statusText: spec.statusText ?? 'OK',
          httpVersion: 'HTTP/1.1',
          cookies: [],
          headers: [
            { name: 'Date', value: new Date(START_MS + spec.atMs).toUTCString() },
            { name: 'Content-Type', value: mimeType },
            { name: 'Content-Length', value: String(text.length) },
            { name: 'X-Request-Id', value: `req-${1000 + index}` },
          ],
          content: { size: text.length, mimeType, text },
          redirectURL: '',
          headersSize: -1,
          bodySize: text.length,
        },
    cache: {},
    timings: { blocked: 0, dns, connect, ssl: -1, send, wait, receive },
    serverIPAddress: '127.0.0.1',
    connection: `c${url.port}`,
    ...(spec.error ? { _error: { ...spec.error, elapsedMs: time } } : {}),
    _netlens: {
      id: `shot-${index + 1}`,
      connectionReused: connect < 0,
      source: spec.source ?? 'terminal#1',
      ...(spec.retry ? { retry: spec.retry } : {}),
    },
  };
}

/** The HAR, as the text of a file. */
export function screenshotHar(): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'netlens-e2e-screenshots', version: '1' },
      entries: SPECS.map(entry),
    },
  });
}

/** How many entries it holds (the traffic list shows as many rows). */
export const SCREENSHOT_HAR_ENTRIES = SPECS.length;
