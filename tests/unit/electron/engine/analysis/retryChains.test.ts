import { describe, expect, it } from 'vitest';
import { RetryChainBuilder, groupRetryChains, retryAfterMsOf } from '@engine/analysis/retryChains.js';
import type { ErrorClass } from '@shared/errors.js';
import type { Exchange, Header } from '@shared/model.js';
import { body, headers, makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

interface AttemptSpec {
  /** Wait after the previous attempt ended (ms). */
  wait?: number;
  status?: number;
  error?: ErrorClass;
  errorPhase?: 'connect' | 'wait' | 'dns' | 'tls';
  durationMs?: number;
  retryAfter?: string;
  method?: string;
  url?: string;
  bodyHash?: string;
  requestHeaders?: Header[];
  clientAddress?: string;
  userAgent?: string;
  source?: string;
}

const T0 = 1_750_000_000_000;

/** A sequence of exchanges as a client would make them, each after the previous one ended. */
function session(specs: AttemptSpec[]): { exchanges: Exchange[]; hashes: Map<string, string> } {
  let cursor = T0;
  let port = 50_000;
  const hashes = new Map<string, string>();
  const exchanges = specs.map((spec) => {
    const startedAtMs = cursor + (spec.wait ?? 0);
    const durationMs = spec.durationMs ?? 20;
    cursor = startedAtMs + durationMs;
    port += 1;
    const common = {
      method: spec.method ?? 'GET',
      url: spec.url ?? 'http://127.0.0.1:9000/api/orders',
      startedAtMs,
      durationMs,
      requestHeaders: [
        ...(spec.requestHeaders ?? headers({ Host: '127.0.0.1:9000' })),
        ...(spec.userAgent !== undefined ? headers({ 'User-Agent': spec.userAgent }) : []),
      ],
      ...(spec.source !== undefined ? { source: spec.source } : {}),
      connection: {
        id: `c${port}`,
        reused: false,
        clientAddress: spec.clientAddress ?? '127.0.0.1',
        clientPort: port,
        serverIp: '127.0.0.1',
      },
    };
    const exchange = spec.error
      ? makeFailedExchange({ class: spec.error, phase: spec.errorPhase ?? 'connect' }, common)
      : makeExchange({
          ...common,
          status: spec.status ?? 200,
          responseHeaders: spec.retryAfter !== undefined ? headers({ 'Retry-After': spec.retryAfter }) : [],
        });
    if (spec.bodyHash) {
      exchange.request.body = body(10, 'application/json');
      hashes.set(exchange.id, spec.bodyHash);
    }
    return exchange;
  });
  return { exchanges, hashes };
}

function chainsOf(specs: AttemptSpec[]) {
  const { exchanges, hashes } = session(specs);
  return groupRetryChains(exchanges, { requestBodyHash: (e) => hashes.get(e.id) });
}

describe('grouping exchanges into retry chains', () => {
  it('groups a failing request retried until it succeeds', () => {
    const chains = chainsOf([
      { status: 503 },
      { wait: 100, status: 503 },
      { wait: 200, status: 503 },
      { wait: 400 },
    ]);
    expect(chains).toHaveLength(1);
    const chain = chains[0]!;
    expect(chain.attempts.map((a) => a.label)).toEqual(['503 OK', '503 OK', '503 OK', '200 OK']);
    expect(chain.attempts.map((a) => a.waitBeforeMs)).toEqual([undefined, 100, 200, 400]);
    expect(chain.outcome).toBe('succeeded');
    expect(chain.backoff.shape).toBe('exponential');
    expect(chain.chainId).toBe(`chain-${chain.exchangeIds[0]}`);
    expect(chain.summary).toMatch(
      /^GET \/api\/orders: 4 attempts, succeeded after 3 failures; exponential backoff ×2\.0/,
    );
  });

  it.each([[408], [425], [429], [500], [502], [504]])('a %i starts a chain', (status) => {
    expect(chainsOf([{ status }, { wait: 50 }])).toHaveLength(1);
  });

  it('groups after NetLens errors (no response)', () => {
    const chains = chainsOf([
      { error: 'connect_refused' },
      { wait: 300, error: 'connect_refused' },
      { wait: 300 },
    ]);
    expect(chains[0]?.attempts.map((a) => a.outcome.kind)).toEqual(['error', 'error', 'success']);
  });

  it('keeps the client port out of the identity but the client address in it', () => {
    expect(chainsOf([{ status: 503 }, { wait: 10 }])[0]?.attempts).toHaveLength(2);
    expect(
      chainsOf([
        { status: 503, clientAddress: '127.0.0.1' },
        { wait: 10, clientAddress: '127.0.0.2' },
      ]),
    ).toEqual([]);
  });

  it('does NOT group requests with different bodies', () => {
    expect(
      chainsOf([
        { method: 'PUT', status: 503, bodyHash: 'aaa' },
        { method: 'PUT', wait: 100, bodyHash: 'bbb' },
      ]),
    ).toEqual([]);
  });

  it('groups different bodies that carry the same Idempotency-Key', () => {
    const key = headers({ 'Idempotency-Key': 'k-1' });
    const chains = chainsOf([
      { method: 'POST', status: 503, bodyHash: 'aaa', requestHeaders: key },
      { method: 'POST', wait: 100, bodyHash: 'bbb', requestHeaders: key },
    ]);
    expect(chains).toHaveLength(1);
    expect(chains[0]?.idempotencyKey).toBe('k-1');
    expect(chains[0]?.flags.map((f) => f.kind)).not.toContain('non_idempotent_without_key');
  });

  it('does NOT group across a success: a later failure starts a new chain', () => {
    const chains = chainsOf([
      { status: 503 },
      { wait: 100 },
      // Not the same interval again: this client does not poll on a schedule (see below).
      { wait: 700 },
      { wait: 100, status: 503 },
      { wait: 100, status: 503 },
      { wait: 100 },
    ]);
    expect(chains.map((c) => c.attempts.length)).toEqual([2, 3]);
    expect(new Set(chains.map((c) => c.chainId)).size).toBe(2);
  });

  it('does NOT group attempts too far apart', () => {
    expect(chainsOf([{ status: 503 }, { wait: 61_000 }])).toEqual([]);
    expect(chainsOf([{ status: 503 }, { wait: 59_000 }])).toHaveLength(1);
    const { exchanges } = session([{ status: 503 }, { wait: 500 }]);
    expect(groupRetryChains(exchanges, { windowMs: 400 })).toEqual([]);
  });

  it('does NOT group a request after a success, nor different URLs or methods', () => {
    expect(chainsOf([{}, { wait: 10 }])).toEqual([]);
    expect(chainsOf([{ status: 503 }, { wait: 10, url: 'http://127.0.0.1:9000/api/other' }])).toEqual([]);
    expect(chainsOf([{ status: 503 }, { wait: 10, method: 'HEAD' }])).toEqual([]);
  });

  it('does NOT group concurrent duplicates (overlapping in time)', () => {
    const { exchanges } = session([{ status: 503, durationMs: 500 }, {}]);
    exchanges[1]!.startedAtMs = exchanges[0]!.startedAtMs + 100;
    expect(groupRetryChains(exchanges)).toEqual([]);
  });

  it('accepts exchanges in any order', () => {
    const { exchanges } = session([{ status: 503 }, { wait: 100, status: 503 }, { wait: 100 }]);
    expect(groupRetryChains([...exchanges].reverse())[0]?.exchangeIds).toEqual(exchanges.map((e) => e.id));
  });
});

describe('the same client (issue: curl then Python requests became attempts 1 and 2)', () => {
  const CURL = 'curl/8.5.0';
  const REQUESTS = 'python-requests/2.31.0';

  it('does NOT chain two clients on one URL from one address', () => {
    expect(
      chainsOf([
        { status: 503, userAgent: CURL },
        { wait: 300, userAgent: REQUESTS },
      ]),
    ).toEqual([]);
    expect(
      chainsOf([
        { error: 'connect_refused', userAgent: CURL },
        { wait: 50, error: 'connect_refused', userAgent: REQUESTS },
        { wait: 50, error: 'connect_refused', userAgent: CURL },
      ]).map((chain) => chain.attempts.length),
    ).toEqual([2]);
  });

  it('does NOT chain two sources NetLens tells apart, even with one User-Agent', () => {
    expect(
      chainsOf([
        { status: 503, userAgent: CURL, source: 'terminal#1' },
        { wait: 100, userAgent: CURL, source: 'terminal#2' },
      ]),
    ).toEqual([]);
  });

  it('chains one client across new connections, and names it in the chain', () => {
    const [chain] = chainsOf([
      { status: 503, userAgent: REQUESTS, source: 'terminal#1' },
      { wait: 100, status: 503, userAgent: REQUESTS, source: 'terminal#1' },
      { wait: 200, userAgent: REQUESTS, source: 'terminal#1' },
    ]);
    expect(chain?.attempts).toHaveLength(3);
    expect(chain).toMatchObject({ userAgent: REQUESTS, source: 'terminal#1', clientAddress: '127.0.0.1' });
  });

  it('treats an IPv4 client seen through a dual-stack listener as the same client', () => {
    expect(
      chainsOf([
        { status: 503, clientAddress: '::ffff:127.0.0.1' },
        { wait: 100, clientAddress: '127.0.0.1' },
      ]),
    ).toHaveLength(1);
  });
});

describe('polling is not retrying', () => {
  it('does NOT chain steady polling: success, success, success at a fixed interval', () => {
    expect(chainsOf(Array.from({ length: 6 }, (_, i) => ({ wait: i === 0 ? 0 : 980 })))).toEqual([]);
  });

  it('does NOT chain a failed poll with the next poll on the schedule', () => {
    expect(
      chainsOf([{}, { wait: 980 }, { wait: 980 }, { wait: 980, status: 503 }, { wait: 980 }, { wait: 980 }]),
    ).toEqual([]);
    // Several failed polls in a row, still on the schedule (start to start: 1 s).
    expect(
      chainsOf([
        {},
        { wait: 980 },
        { wait: 980 },
        { wait: 980, status: 503 },
        { wait: 980, status: 503 },
        { wait: 980 },
      ]),
    ).toEqual([]);
  });

  it('keeps the schedule of a poller that waits after each response, however long the failed poll took', () => {
    // setTimeout-style: 2 s after each response; the failed poll hung for 10 s.
    expect(
      chainsOf([
        { durationMs: 30 },
        { wait: 2000, durationMs: 80 },
        { wait: 2000, durationMs: 45 },
        { wait: 2000, durationMs: 10_000, error: 'response_timeout', errorPhase: 'wait' },
        { wait: 2000, durationMs: 35 },
      ]),
    ).toEqual([]);
  });

  it('still chains a poller that retries off its schedule', () => {
    const chains = chainsOf([{}, { wait: 980 }, { wait: 980 }, { wait: 980, status: 503 }, { wait: 150 }]);
    expect(chains).toHaveLength(1);
    expect(chains[0]!.attempts.map((a) => a.waitBeforeMs)).toEqual([undefined, 150]);
  });

  it('still chains a client retrying with a constant backoff (no schedule of successes before)', () => {
    const [chain] = chainsOf([
      { status: 503 },
      { wait: 1000, status: 503 },
      { wait: 1000, status: 503 },
      { wait: 1000, status: 503 },
      { wait: 1000 },
    ]);
    expect(chain?.attempts).toHaveLength(5);
    expect(chain?.backoff.shape).toBe('constant');
  });
});

describe('Retry-After', () => {
  it('parses delay-seconds and HTTP-dates (RFC 9110 §10.2.3)', () => {
    const seconds = makeExchange({ status: 503, responseHeaders: headers({ 'Retry-After': '5' }) });
    expect(retryAfterMsOf(seconds)).toBe(5000);
    const dated = makeExchange({
      status: 503,
      responseHeaders: headers({
        Date: 'Wed, 21 Oct 2015 07:28:00 GMT',
        'Retry-After': 'Wed, 21 Oct 2015 07:28:30 GMT',
      }),
    });
    expect(retryAfterMsOf(dated)).toBe(30_000);
    expect(
      retryAfterMsOf(makeExchange({ status: 503, responseHeaders: headers({ 'Retry-After': 'soon' }) })),
    ).toBeUndefined();
  });

  it('honoured', () => {
    const chain = chainsOf([
      { status: 429, retryAfter: '1' },
      { wait: 1005, status: 429, retryAfter: '2' },
      { wait: 2010 },
    ])[0]!;
    expect(chain.retryAfter).toBe('honoured');
    expect(chain.attempts.map((a) => a.honouredRetryAfter)).toEqual([undefined, true, true]);
    expect(chain.flags).toEqual([]);
  });

  it('ignored, with a flag that says what to change', () => {
    const chain = chainsOf([
      { status: 503, retryAfter: '5' },
      { wait: 120, status: 503, retryAfter: '5' },
      { wait: 130 },
    ])[0]!;
    expect(chain.retryAfter).toBe('ignored');
    const flag = chain.flags.find((f) => f.kind === 'retry_after_ignored');
    expect(flag?.message).toBe(
      'Ignored Retry-After: the server asked for 5000 ms, the client came back after 120 ms (2 times).',
    );
    expect(flag?.advice).toMatch(/RFC 9110/);
  });

  it('partly honoured, and not applicable when only the last response sent it', () => {
    expect(
      chainsOf([
        { status: 503, retryAfter: '1' },
        { wait: 1000, status: 503, retryAfter: '1' },
        { wait: 10 },
      ])[0]!.retryAfter,
    ).toBe('partly_honoured');
    expect(chainsOf([{ status: 503 }, { wait: 10, status: 503, retryAfter: '1' }])[0]!.retryAfter).toBe(
      'not_applicable',
    );
    expect(chainsOf([{ status: 503 }, { wait: 10 }])[0]!.retryAfter).toBe('not_sent');
  });
});

describe('flags', () => {
  it('retry storm: many attempts with little or no wait', () => {
    const chain = chainsOf(Array.from({ length: 8 }, (_, i) => ({ wait: i === 0 ? 0 : 2, status: 503 })))[0]!;
    expect(chain.backoff.shape).toBe('none');
    expect(chain.outcome).toBe('failing');
    expect(chain.summary).toMatch(/still failing \(last: 503 OK\)/);
    const storm = chain.flags.find((f) => f.kind === 'retry_storm');
    expect(storm?.message).toMatch(/^Retry storm: 8 attempts in \d+ ms, median wait 2\.0 ms\.$/);
    expect(storm?.advice).toMatch(/exponentially with jitter/);
  });

  it('no storm for a few quick retries or for spaced ones', () => {
    expect(chainsOf([{ status: 503 }, { wait: 0, status: 503 }, { wait: 0 }])[0]!.flags).toEqual([]);
    expect(chainsOf(Array.from({ length: 6 }, (_, i) => ({ wait: i * 200, status: 503 })))[0]!.flags).toEqual(
      [],
    );
  });

  it('non-idempotent POST retried without an Idempotency-Key after it may have reached the server', () => {
    const chain = chainsOf([
      { method: 'POST', status: 502, bodyHash: 'h' },
      { method: 'POST', wait: 100, bodyHash: 'h' },
    ])[0]!;
    const flag = chain.flags.find((f) => f.kind === 'non_idempotent_without_key');
    expect(flag?.message).toMatch(/^POST retried 1 time without an Idempotency-Key/);
    expect(flag?.advice).toMatch(/Idempotency-Key header/);
    const patch = chainsOf([
      { method: 'PATCH', error: 'response_timeout', errorPhase: 'wait' },
      { method: 'PATCH', wait: 100 },
    ])[0]!;
    expect(patch.flags.map((f) => f.kind)).toContain('non_idempotent_without_key');
  });

  it('a POST that never left (connect refused) is safe to retry; PUT is idempotent', () => {
    expect(
      chainsOf([
        { method: 'POST', error: 'connect_refused' },
        { method: 'POST', wait: 100 },
      ])[0]!.flags,
    ).toEqual([]);
    expect(
      chainsOf([
        { method: 'PUT', status: 503 },
        { method: 'PUT', wait: 100 },
      ])[0]!.flags,
    ).toEqual([]);
  });

  it.each([
    [{ status: 400 }, /400 \(the request is malformed/],
    [{ status: 401 }, /401 \(refresh or fix the credentials/],
    [{ status: 403 }, /403 \(the caller lacks permission/],
    [{ status: 404 }, /404 \(the resource does not exist/],
    [
      { error: 'dns_not_found' as const, errorPhase: 'dns' as const },
      /dns_not_found \(the name does not resolve/,
    ],
    [
      { error: 'tls_cert_invalid' as const, errorPhase: 'tls' as const },
      /tls_cert_invalid \(the certificate is rejected/,
    ],
  ])('retrying an error a retry cannot fix: %j', (first, message) => {
    const chain = chainsOf([first, { ...first, wait: 100 }, { ...first, wait: 200 }])[0]!;
    const flag = chain.flags.find((f) => f.kind === 'unfixable_error');
    expect(flag?.message).toMatch(message);
    expect(flag?.advice).toMatch(/Retry only transient failures/);
  });

  it('no unfixable flag for transient errors', () => {
    const chain = chainsOf([
      { error: 'connection_reset', errorPhase: 'wait' },
      { wait: 100, status: 503 },
      { wait: 200 },
    ])[0]!;
    expect(chain.flags.map((f) => f.kind)).toEqual([]);
  });
});

describe('RetryChainBuilder', () => {
  it('assigns retry info to every attempt when a chain forms, then to each new attempt', () => {
    const { exchanges } = session([{ status: 503 }, { wait: 10, status: 503 }, { wait: 20 }]);
    const builder = new RetryChainBuilder();
    expect(builder.add(exchanges[0]!)).toBeUndefined();
    const formed = builder.add(exchanges[1]!);
    expect(formed?.assigned).toEqual([
      { id: exchanges[0]!.id, attempt: 1 },
      { id: exchanges[1]!.id, attempt: 2 },
    ]);
    expect(builder.add(exchanges[2]!)?.assigned).toEqual([{ id: exchanges[2]!.id, attempt: 3 }]);
    // The success closed the chain: no candidate is left.
    expect(builder.candidateCount).toBe(0);
  });

  it('keeps memory bounded: old candidates expire, and their number is capped', () => {
    const builder = new RetryChainBuilder({ maxCandidates: 100, windowMs: 1000 });
    for (let i = 0; i < 1000; i += 1) {
      builder.add(makeExchange({ url: `http://127.0.0.1/${i}`, status: 503, startedAtMs: T0 + i }));
    }
    expect(builder.candidateCount).toBe(100);
    builder.add(makeExchange({ url: 'http://127.0.0.1/late', status: 503, startedAtMs: T0 + 10_000 }));
    expect(builder.candidateCount).toBe(1);
  });

  it('caps the number of chains kept', () => {
    const builder = new RetryChainBuilder({ maxChains: 3 });
    for (let i = 0; i < 10; i += 1) {
      const url = `http://127.0.0.1/${i}`;
      builder.add(makeExchange({ url, status: 503, startedAtMs: T0 + i * 1000, durationMs: 10 }));
      builder.add(makeExchange({ url, startedAtMs: T0 + i * 1000 + 100, durationMs: 10 }));
    }
    expect(builder.chains().map((c) => c.url)).toEqual([
      'http://127.0.0.1/7',
      'http://127.0.0.1/8',
      'http://127.0.0.1/9',
    ]);
  });

  it('caps the attempts of one chain: an endless storm goes on in a new chain', () => {
    const { exchanges } = session(Array.from({ length: 25 }, () => ({ wait: 1, status: 503 })));
    const chains = groupRetryChains(exchanges, { maxAttemptsPerChain: 10 });
    expect(chains.map((c) => c.attempts.length)).toEqual([10, 10, 5]);
  });

  it('ignores tunnels and pending exchanges', () => {
    const builder = new RetryChainBuilder();
    expect(builder.add(makeExchange({ kind: 'tunnel', status: 503 }))).toBeUndefined();
    expect(builder.add(makeExchange({ state: 'pending', response: null }))).toBeUndefined();
    expect(builder.candidateCount).toBe(0);
  });
});
