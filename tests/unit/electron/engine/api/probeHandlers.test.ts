/** The probe and monitor channels check their untrusted arguments before the engine acts. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError } from '@engine/api/apiArguments.js';
import type { Engine } from '@engine/engine.js';
import {
  parseMonitorDefinition,
  parsePingRequest,
  parseProbeRequest,
  parseTraceRequest,
  probeHandlers,
} from '@engine/api/probeHandlers.js';
import { isSafeHostArgument } from '@engine/probes/systemTool.js';
import { createMonitorService, type MonitorService } from '@engine/probes/monitorService.js';

describe('parseProbeRequest', () => {
  it('accepts a full request and trims the target', () => {
    expect(
      parseProbeRequest({
        target: ' https://a.test/ ',
        timeoutMs: 3000,
        retries: 2,
        resolver: '127.0.0.1:5353',
        followRedirects: false,
        maxRedirects: 3,
        insecure: true,
        allAddresses: true,
        method: 'HEAD',
      }),
    ).toEqual({
      target: 'https://a.test/',
      timeoutMs: 3000,
      retries: 2,
      resolver: '127.0.0.1:5353',
      followRedirects: false,
      maxRedirects: 3,
      insecure: true,
      allAddresses: true,
      method: 'HEAD',
    });
  });

  it.each([
    [null, /must be an object/],
    [{ target: 'https://a.test/', extra: 1 }, /unknown field/],
    [{ target: '' }, /must not be empty/],
    [{ target: 'ftp://a.test/' }, /Unsupported scheme/],
    [{ target: 'a.test:22', timeoutMs: 0 }, /timeoutMs/],
    [{ target: 'a.test:22', timeoutMs: 1.5 }, /timeoutMs/],
    [{ target: 'a.test:22', retries: 11 }, /retries/],
    [{ target: 'a.test:22', resolver: 'dns.google' }, /resolver/],
    [{ target: 'a.test:22', method: 'POST' }, /method/],
    [{ target: 'a.test:22', insecure: 'yes' }, /insecure/],
  ])('rejects %j', (value, message) => {
    expect(() => parseProbeRequest(value)).toThrow(ArgumentError);
    expect(() => parseProbeRequest(value)).toThrow(message);
  });
});

describe('parsePingRequest / parseTraceRequest', () => {
  it('accepts TCP and ICMP pings and strips IPv6 brackets', () => {
    expect(
      parsePingRequest({ host: '[::1]', port: 22, method: 'tcp', count: 3, intervalMs: 100, timeoutMs: 500 }),
    ).toEqual({
      host: '::1',
      port: 22,
      method: 'tcp',
      count: 3,
      intervalMs: 100,
      timeoutMs: 500,
    });
    expect(
      parsePingRequest({ host: 'a.test', method: 'icmp', count: 1, intervalMs: 0, timeoutMs: 1 }).port,
    ).toBeUndefined();
    // A page names its ping to recognise its own ping:sample events.
    expect(
      parsePingRequest({
        host: 'a.test',
        method: 'icmp',
        count: 1,
        intervalMs: 0,
        timeoutMs: 1,
        pingId: 'ping-7',
      }).pingId,
    ).toBe('ping-7');
    expect(() =>
      parsePingRequest({ host: 'a.test', method: 'icmp', count: 1, intervalMs: 0, timeoutMs: 1, pingId: '' }),
    ).toThrow(ArgumentError);
    expect(parseTraceRequest({ host: 'a.test', maxHops: 5 })).toEqual({ host: 'a.test', maxHops: 5 });
  });

  it.each([
    [{ host: 'a.test', method: 'tcp', count: 3, intervalMs: 0, timeoutMs: 1 }, /port is required/],
    [{ host: '-f', method: 'icmp', count: 3, intervalMs: 0, timeoutMs: 1 }, /host name or IP/],
    [{ host: 'a b', method: 'icmp', count: 3, intervalMs: 0, timeoutMs: 1 }, /host name or IP/],
    [{ host: 'a.test', method: 'icmp', count: 1000, intervalMs: 0, timeoutMs: 1 }, /count/],
    [{ host: 'a.test', method: 'udp', count: 1, intervalMs: 0, timeoutMs: 1 }, /method/],
  ])('rejects ping %j', (value, message) => {
    expect(() => parsePingRequest(value)).toThrow(message);
  });

  it('refuses option-like or odd hosts for system tools', () => {
    expect(isSafeHostArgument('example.com')).toBe(true);
    expect(isSafeHostArgument('fe80::1%eth0')).toBe(true);
    expect(isSafeHostArgument('-c1')).toBe(false);
    expect(isSafeHostArgument('a;b')).toBe(false);
    expect(isSafeHostArgument('')).toBe(false);
    expect(() => parseTraceRequest({ host: '--help' })).toThrow(ArgumentError);
  });
});

describe('parseMonitorDefinition', () => {
  const good = {
    id: 'm1',
    name: 'API',
    target: 'https://a.test/health',
    intervalMs: 30_000,
    timeoutMs: 5000,
  };
  it('accepts a valid definition, with expectedStatus null meaning none', () => {
    expect(parseMonitorDefinition(good)).toEqual(good);
    expect(parseMonitorDefinition({ ...good, expectedStatus: null }).expectedStatus).toBeUndefined();
  });
  it.each([
    [{ ...good, intervalMs: 10 }, /intervalMs/],
    [{ ...good, target: 'nope nope' }, /target/],
    [{ ...good, color: 'red' }, /unknown field/],
    [{ ...good, id: 'x'.repeat(300) }, /too long/],
  ])('rejects %j', (value, message) => {
    expect(() => parseMonitorDefinition(value)).toThrow(message);
  });
});

describe('probeHandlers', () => {
  let dataDir: string;
  let monitors: MonitorService;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-handlers-'));
    monitors = createMonitorService({ dataDir, emit: () => undefined });
  });
  afterEach(async () => {
    await monitors.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('saves, lists, reads the history of and deletes monitors through the engine', async () => {
    const handlers = probeHandlers({ monitors } as unknown as Engine);
    const def = { id: 'm1', name: 'API', target: 'http://127.0.0.1:1/', intervalMs: 60_000, timeoutMs: 1000 };
    const [parsed] = handlers['monitors:save']!.parse([def]);
    expect(await handlers['monitors:save']!.handle(parsed)).toEqual([def]);
    expect(await handlers['monitors:list']!.handle()).toEqual([def]);
    expect(await handlers['monitors:history']!.handle('m1')).toEqual({ samples: [], changes: [] });
    await expect(
      Promise.resolve().then(() => handlers['monitors:history']!.handle('nope')),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await handlers['monitors:delete']!.handle('m1')).toEqual([]);
    await expect(handlers['monitors:delete']!.handle('m1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers unsupported when the engine has no monitors', async () => {
    const handlers = probeHandlers({} as Engine);
    await expect(Promise.resolve().then(() => handlers['monitors:list']!.handle())).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('checks the argument count', () => {
    const handlers = probeHandlers({ monitors } as unknown as Engine);
    expect(() => handlers['probe:run']!.parse([])).toThrow(ArgumentError);
    expect(() => handlers['monitors:list']!.parse([1])).toThrow(ArgumentError);
    expect(() => handlers['monitors:delete']!.parse([''])).toThrow(ArgumentError);
  });
});
