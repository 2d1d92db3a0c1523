// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BodyPayload } from '@shared/model';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';

const bodies = new Map<string, BodyPayload>();
vi.mock('@renderer/api', () => ({
  call: vi.fn(async (channel: string, id: string, side: string) => {
    if (channel !== 'exchanges:body') throw new Error(`unexpected ${channel}`);
    return bodies.get(`${id}:${side}`) ?? null;
  }),
}));

const { TimingTab } = await import('@renderer/views/detail/TimingTab');
const { BodyTab } = await import('@renderer/views/detail/BodyTab');
const { DiagnosisBanner } = await import('@renderer/views/detail/DiagnosisTab');

function payload(text: string, contentType: string): BodyPayload {
  const bytes = new TextEncoder().encode(text);
  return {
    base64: btoa(String.fromCharCode(...bytes)),
    decoded: false,
    truncated: false,
    sizeBytes: bytes.length,
    contentType,
  };
}

afterEach(() => {
  cleanup();
  bodies.clear();
});

describe('TimingTab', () => {
  it('writes each phase with its ms, says which phases did not happen and why, and the total', () => {
    const exchange = makeExchange({
      url: 'https://api.test/x',
      timings: { send: 0.5, wait: 120, receive: 4 },
      connection: { id: 'conn-7', reused: true },
    });
    render(<TimingTab exchange={exchange} />);
    expect(screen.getByRole('row', { name: 'Wait (TTFB): 120 ms' })).toBeTruthy();
    expect(screen.getByRole('row', { name: 'Send: 0.50 ms' })).toBeTruthy();
    expect(screen.getByRole('row', { name: 'DNS: skipped' }).textContent).toContain('connection reused');
    expect(screen.getByRole('row', { name: 'TLS: skipped' }).textContent).toContain('connection reused');
    expect(screen.getByRole('row', { name: 'Total: 125 ms' })).toBeTruthy();
    expect(screen.getByText(/Connection reused \(#conn-7\)/)).toBeTruthy();
  });

  it('marks phases after a failure as not reached', () => {
    const failed = makeFailedExchange(
      { class: 'connect_timeout', phase: 'connect' },
      { url: 'http://host.test/' },
    );
    render(<TimingTab exchange={failed} />);
    expect(screen.getByRole('row', { name: 'Wait (TTFB): skipped' }).textContent).toContain('not reached');
    expect(screen.getByRole('row', { name: 'Connect: 3000 ms' }).textContent).toContain('✖');
  });
});

describe('DiagnosisBanner', () => {
  it('shows class, phase, time and the message of an error', () => {
    const failed = makeFailedExchange({
      class: 'dns_not_found',
      phase: 'dns',
      elapsedMs: 12,
      message: 'No such host x.invalid',
    });
    render(<DiagnosisBanner exchange={failed} />);
    const banner = screen.getByRole('alert', { name: 'Diagnosis' });
    expect(banner.textContent).toContain('dns_not_found');
    expect(banner.textContent).toContain('dns');
    // The exchange's duration (the list's Time), not a second number; number and unit never wrap apart.
    expect(banner.textContent).toContain('after 42\u00a0ms');
    expect(banner.textContent).not.toContain('12');
    expect(banner.textContent).toContain('No such host x.invalid');
  });
});

describe('BodyTab', () => {
  it('shows an HTML body as text: no element of the body enters the document', async () => {
    const exchange = makeExchange({
      response: { body: { sizeBytes: 60, capturedBytes: 60, truncated: false, contentType: 'text/html' } },
    });
    const html = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"><h1>hi</h1>';
    bodies.set(`${exchange.id}:response`, payload(html, 'text/html'));
    const { container } = render(<BodyTab exchange={exchange} />);
    await waitFor(() => expect(screen.getByLabelText('response body').textContent).toBe(html));
    expect(container.querySelector('script, h1, iframe')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
  });

  it('pretty-prints JSON and offers a hex view', async () => {
    const exchange = makeExchange();
    bodies.set(`${exchange.id}:response`, payload('{"a":[1]}', 'application/json'));
    render(<BodyTab exchange={exchange} />);
    await waitFor(() =>
      expect(screen.getByLabelText('response body').textContent).toBe('{\n  "a": [\n    1\n  ]\n}'),
    );
    screen.getByRole('button', { name: 'Hex' }).click();
    await waitFor(() =>
      expect(screen.getByLabelText('response body hex').textContent).toContain('7b 22 61 22'),
    );
  });
});

describe('HeadersTab', () => {
  it('keeps header order and case, decodes the query string, and shows the raw head', async () => {
    const { HeadersTab } = await import('@renderer/views/detail/HeadersTab');
    const exchange = makeExchange({
      url: 'http://api.test/search?q=a%20b&tag=x&tag=y',
      requestHeaders: [
        { name: 'X-Second', value: '2' },
        { name: 'accept', value: '*/*' },
        { name: 'X-Second', value: 'dup' },
      ],
    });
    render(<HeadersTab exchange={exchange} />);
    const request = screen.getByRole('table', { name: 'Request headers' });
    expect([...request.querySelectorAll('th')].map((th) => th.textContent)).toEqual([
      'X-Second',
      'accept',
      'X-Second',
    ]);
    const query = screen.getByRole('table', { name: 'Query string' });
    expect([...query.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['a b', 'x', 'y']);
    screen.getByRole('checkbox', { name: 'Raw' }).click();
    await waitFor(() =>
      expect(screen.getByText(/^GET \/search\?q=a%20b&tag=x&tag=y HTTP\/1\.1/)).toBeTruthy(),
    );
  });

  it('shows what the proxy changed when the client sent other headers, and either set on request', async () => {
    const { HeadersTab } = await import('@renderer/views/detail/HeadersTab');
    const exchange = makeExchange({
      url: 'http://api.test:8080/x',
      request: {
        headers: [
          { name: 'Host', value: 'api.test:8080' },
          { name: 'Accept', value: '*/*' },
        ],
        clientHeaders: [
          { name: 'Host', value: 'api.test' },
          { name: 'Proxy-Connection', value: 'keep-alive' },
          { name: 'Accept', value: '*/*' },
        ],
      },
    });
    render(<HeadersTab exchange={exchange} />);
    const changes = screen.getByRole('group', { name: 'Header changes by the proxy' });
    expect(within(changes).getByRole('row', { name: 'removed: Proxy-Connection' }).textContent).toContain(
      'keep-alive',
    );
    expect(within(changes).getByRole('row', { name: 'changed: Host' }).textContent).toContain(
      'api.test → api.test:8080',
    );
    const names = () =>
      [...screen.getByRole('table', { name: 'Request headers' }).querySelectorAll('th')].map(
        (th) => th.textContent,
      );
    expect(names()).toEqual(['Host', 'Accept']);
    fireEvent.click(screen.getByRole('button', { name: 'From the client' }));
    expect(names()).toEqual(['Host', 'Proxy-Connection', 'Accept']);
  });

  it('shows no change list when the client headers were forwarded as they were', async () => {
    const { HeadersTab } = await import('@renderer/views/detail/HeadersTab');
    render(<HeadersTab exchange={makeExchange()} />);
    expect(screen.queryByRole('group', { name: 'Header changes by the proxy' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'From the client' })).toBeNull();
  });
});
