/**
 * A real monitor against real servers: it goes down and comes back up, with state-change
 * events, samples carrying phase timings, and the definitions persisted in the data dir.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMonitorService, type MonitorService } from '@engine/probes/monitorService.js';
import type { EngineEvent } from '@shared/api.js';
import type { MonitorStateChange } from '@shared/monitor.js';
import { LOOPBACKS, urlHost, type LoopbackHost } from './probeServers.js';

let dataDir: string;
let service: MonitorService | undefined;
const servers: http.Server[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-monitor-it-'));
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves when `predicate` holds for the events seen, or rejects after `limitMs`. */
function waitFor(
  events: EngineEvent[],
  predicate: (events: EngineEvent[]) => boolean,
  limitMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (predicate(events)) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > limitMs) {
        clearInterval(tick);
        reject(
          new Error(
            `condition not met within ${limitMs} ms; events: ${JSON.stringify(events.map((e) => (e.type === 'monitor:event' ? e.payload.kind : e.type)))}`,
          ),
        );
      }
    }, 20);
  });
}

const changes = (events: EngineEvent[]): MonitorStateChange[] =>
  events.flatMap((e) => (e.type === 'monitor:event' && e.payload.kind === 'state' ? [e.payload] : []));

async function listen(server: http.Server, host: LoopbackHost, port = 0): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

describe.each(LOOPBACKS)('monitor on %s', (host) => {
  it('goes down on an unexpected status and up again, emitting both changes', async () => {
    let status = 200;
    const server = http.createServer((_req, res) => res.writeHead(status).end('x'));
    const port = await listen(server, host);
    const events: EngineEvent[] = [];
    service = createMonitorService({ dataDir, emit: (e) => events.push(e) });
    service.start();
    await service.save({
      id: 'web',
      name: 'Web',
      target: `http://${urlHost(host)}:${port}/health`,
      intervalMs: 1000,
      timeoutMs: 1000,
      expectedStatus: 200,
    });

    await waitFor(events, () => service!.history('web').some((s) => s.ok), 5000);
    status = 503;
    await waitFor(events, (e) => changes(e).some((c) => c.to === 'down'), 5000);
    status = 200;
    await waitFor(events, (e) => changes(e).some((c) => c.from === 'down' && c.to === 'up'), 5000);

    expect(changes(events).map((c) => [c.from, c.to])).toEqual([
      ['up', 'down'],
      ['down', 'up'],
    ]);
    const down = changes(events)[0]!;
    expect(down.message).toContain('HTTP 503');
    const samples = service.history('web');
    expect(samples.some((s) => s.status === 503 && !s.ok)).toBe(true);
    const good = samples.find((s) => s.ok)!;
    expect(good.timings.connect).toBeGreaterThanOrEqual(0);
    expect(good.timings.wait).toBeGreaterThanOrEqual(0);
  });

  it('goes down when the server stops listening and up when it is back on the same port', async () => {
    const first = http.createServer((_req, res) => res.end('ok'));
    const port = await listen(first, host);
    const events: EngineEvent[] = [];
    service = createMonitorService({ dataDir, emit: (e) => events.push(e) });
    service.start();
    await service.save({
      id: 'svc',
      name: 'Service',
      target: `http://${urlHost(host)}:${port}/`,
      intervalMs: 1000,
      timeoutMs: 1000,
    });
    await waitFor(events, () => service!.history('svc').some((s) => s.ok), 5000);

    first.closeAllConnections();
    await new Promise((resolve) => first.close(resolve));
    await waitFor(events, (e) => changes(e).some((c) => c.to === 'down'), 5000);
    expect(service.history('svc').at(-1)).toMatchObject({ ok: false, errorClass: 'connect_refused' });

    await listen(
      http.createServer((_req, res) => res.end('back')),
      host,
      port,
    );
    await waitFor(events, (e) => changes(e).some((c) => c.to === 'up'), 5000);
    expect(service.states()).toEqual({ svc: 'up' });

    const persisted = JSON.parse(readFileSync(path.join(dataDir, 'monitors.json'), 'utf8')) as {
      id: string;
    }[];
    expect(persisted.map((m) => m.id)).toEqual(['svc']);
  });
});
