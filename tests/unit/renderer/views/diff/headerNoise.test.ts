import { describe, expect, it } from 'vitest';
import { diffHeaders } from '@engine/analysis/headerDiff.js';
import { splitHeaderNoise } from '@renderer/views/diff/headerNoise.js';
import { headers } from '@fixtures/exchangeFactory.js';

describe('the header noise of the Diff view', () => {
  const left = headers({
    Date: 'Mon, 07 Dec 2026 10:00:00 GMT',
    Authorization: 'Bearer a',
    'X-Request-ID': 'r-1',
    traceparent: '00-aaa-01',
    'X-GitHub-Request-Id': 'g-1',
    'CF-Ray': 'ray-1',
    'Content-Length': '10',
    'Content-Type': 'application/json',
    Accept: '*/*',
  });
  const right = headers({
    Date: 'Mon, 07 Dec 2026 10:00:05 GMT',
    Authorization: 'Bearer b',
    'X-Request-ID': 'r-2',
    traceparent: '00-bbb-01',
    'X-GitHub-Request-Id': 'g-2',
    'CF-Ray': 'ray-2',
    'Content-Length': '12',
    'Content-Type': 'text/plain',
    Accept: '*/*',
  });

  it('puts headers that change on every request or follow from the body below the real differences', () => {
    const { real, noise } = splitHeaderNoise(diffHeaders(left, right).rows);
    expect(real.map((r) => [r.name, r.kind])).toEqual([
      ['Authorization', 'changed'],
      ['Content-Type', 'changed'],
      ['Accept', 'same'],
    ]);
    expect(noise.map((r) => [r.name, r.note])).toEqual([
      ['Date', 'changes on every request'],
      ['X-Request-ID', 'changes on every request'],
      ['traceparent', 'changes on every request'],
      ['X-GitHub-Request-Id', 'changes on every request'],
      ['CF-Ray', 'changes on every request'],
      ['Content-Length', 'follows from the body'],
    ]);
  });

  it('keeps an unchanged noisy header with the rest, and a missing one is still noise', () => {
    const { real, noise } = splitHeaderNoise(
      diffHeaders(headers({ Date: 'x', 'X-Trace-Id': 't' }), headers({ Date: 'x' })).rows,
    );
    expect(real.map((r) => r.name)).toEqual(['Date']);
    expect(noise.map((r) => [r.name, r.kind])).toEqual([['X-Trace-Id', 'removed']]);
  });

  it('does not take a header that merely ends in "id" for noise', () => {
    const rows = diffHeaders(headers({ 'X-Tenant-Id': 'a' }), headers({ 'X-Tenant-Id': 'b' })).rows;
    expect(splitHeaderNoise(rows).real.map((r) => r.name)).toEqual(['X-Tenant-Id']);
  });
});
