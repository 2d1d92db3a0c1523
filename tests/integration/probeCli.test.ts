/**
 * The built `netlens probe`, `ping`, `trace` and `ports` commands as child processes: output and
 * exit codes (DESIGN.md: 0 ok, 2 usage, 3 DNS, 4 connect, 5 TLS, 6 HTTP). The CLI is bundled
 * fresh from the sources for this file, so the test never runs a stale dist/.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki } from '@fixtures/certificates.js';
import { buildCli, runCli, tempDir, type BuiltCli } from './cliHarness.js';
import { refusedPort, startBlackhole, startHttp, startHttps, type Running } from './probeServers.js';

let cli: BuiltCli;
let home: string;
const open: Running[] = [];

beforeAll(async () => {
  cli = await buildCli('probe-cli');
  home = tempDir('probe-cli');
});

afterAll(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  cli?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

const run = (args: string[], limitMs = 30_000) =>
  runCli(cli, args, { env: { ...process.env, NETLENS_HOME: home }, limitMs });

describe('netlens probe (CLI)', () => {
  it('exits 0 and prints each phase for a working server', async () => {
    const server = await startHttp('127.0.0.1', (_req, res) => res.end('fine'));
    open.push(server);
    const result = await run(['probe', `http://127.0.0.1:${server.port}/`, '--timeout-ms', '2000']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TCP\s+connected to 127\.0\.0\.1:\d+/m);
    expect(result.stdout).toMatch(/^HTTP\s+200 OK/m);
    expect(result.stdout).toMatch(/Wait \(TTFB\)\s+\d/);
    expect(result.stdout).toContain('✓ HTTP 200');
  });

  it('prints the report as JSON with --json', async () => {
    const server = await startHttp('::1', (_req, res) => res.end('fine'));
    open.push(server);
    const result = await run(['probe', `http://[::1]:${server.port}/`, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; status: number; steps: { kind: string }[] };
    expect(report).toMatchObject({ ok: true, status: 200 });
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'http']);
  });

  it('exits 2 on a usage error', async () => {
    const badTarget = await run(['probe', 'ftp://example.com/']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('Unsupported scheme');
    const badFlag = await run(['probe', 'http://127.0.0.1:1/', '--timeout-ms', 'soon']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--timeout-ms');
    const missing = await run(['probe']);
    expect(missing.code).toBe(2);
  });

  it('exits 3 when the name does not resolve', async () => {
    const result = await run(['probe', 'https://nothing.invalid/']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/✗ dns_(not_found|timeout)/);
    expect(result.stdout).toContain('nothing.invalid');
  });

  it('exits 4 on a refused connection and on a connect timeout, with the actionable message', async () => {
    const port = await refusedPort('127.0.0.1');
    const refused = await run(['probe', `127.0.0.1:${port}`]);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toContain('✗ connect_refused in connect');
    expect(refused.stdout).toContain(`Failed to connect to 127.0.0.1:${port}`);

    const blackhole = await startBlackhole('127.0.0.1');
    open.push(blackhole);
    const timedOut = await run(['probe', `127.0.0.1:${blackhole.port}`, '--timeout-ms', '300']);
    expect(timedOut.code).toBe(4);
    expect(timedOut.stdout).toContain('✗ connect_timeout in connect');
  });

  it('exits 5 on a certificate error and shows the chain', async () => {
    const pki = makeTestPki();
    const server = await startHttps('127.0.0.1', pki.selfSigned, (_req, res) => res.end('x'));
    open.push(server);
    const result = await run(['probe', `https://127.0.0.1:${server.port}/`]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('✗ tls_cert_invalid in tls');
    expect(result.stdout).toContain('(self_signed)');
    expect(result.stdout).toContain('[0] CN=localhost');
  });

  it('exits 0 past a certificate error with --insecure, and trusts --cacert', async () => {
    const pki = makeTestPki();
    const server = await startHttps('127.0.0.1', pki.valid, (_req, res) => res.end('x'));
    open.push(server);
    const untrusted = await run(['probe', `https://127.0.0.1:${server.port}/`, '--insecure']);
    expect(untrusted.code).toBe(0);
    expect(untrusted.stdout).toContain('continuing (--insecure)');
    const caFile = path.join(home, 'ca.pem');
    writeFileSync(caFile, pki.ca.certPem);
    const trusted = await run(['probe', `https://127.0.0.1:${server.port}/`, '--cacert', caFile]);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('✓ certificate valid');
  });

  it('exits 6 when the response never comes, and lists retries', async () => {
    const server = await startHttp('127.0.0.1', () => undefined);
    open.push(server);
    const result = await run([
      'probe',
      `http://127.0.0.1:${server.port}/`,
      '--timeout-ms',
      '200',
      '--retries',
      '1',
    ]);
    expect(result.code).toBe(6);
    expect(result.stdout).toContain('✗ response_timeout in wait');
    expect(result.stdout).toContain('Attempts');
    expect(result.stdout).toMatch(/#2\s+after .* backoff\s+response_timeout/);
  });
});

describe('netlens ping / trace / ports (CLI)', () => {
  it('TCP-pings a listening port and reports statistics', async () => {
    const server = await startHttp('127.0.0.1', (_req, res) => res.end());
    open.push(server);
    const result = await run(['ping', `127.0.0.1:${server.port}`, '--count', '3', '--interval-ms', '10']);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/seq=\d+ time=/g)).toHaveLength(3);
    expect(result.stdout).toContain('3 sent, 3 received, 0% loss');
    expect(result.stdout).toMatch(/min\/avg\/max\/stddev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
  });

  it('counts refused samples as loss and exits 4 when none connected', async () => {
    const port = await refusedPort('::1');
    const result = await run(['ping', `[::1]:${port}`, '--count', '2', '--interval-ms', '10', '--json']);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout) as {
      stats: { sent: number; received: number; lossPercent: number };
    };
    expect(report.stats).toEqual({ sent: 2, received: 0, lossPercent: 100 });
  });

  it('pings 127.0.0.1 over ICMP with the system ping, or names the missing tool', async () => {
    const result = await run([
      'ping',
      '127.0.0.1',
      '--icmp',
      '--count',
      '2',
      '--interval-ms',
      '200',
      '--json',
    ]);
    if (result.code === 0) {
      const report = JSON.parse(result.stdout) as {
        method: string;
        address: string;
        stats: { sent: number; received: number };
      };
      expect(report).toMatchObject({ method: 'icmp', address: '127.0.0.1', stats: { sent: 2, received: 2 } });
    } else {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/`ping` is not installed|ping 127\.0\.0\.1 failed/);
    }
  });

  it('asks for a port for TCP ping', async () => {
    const result = await run(['ping', '127.0.0.1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs a port');
  });

  it('shows who holds a port, and says when a port is free', async () => {
    const server = await startHttp('127.0.0.1', (_req, res) => res.end());
    open.push(server);
    const held = await run(['ports', String(server.port), '--json']);
    expect(held.code).toBe(0);
    const answer = JSON.parse(held.stdout) as {
      inUse: boolean;
      sockets: { port: number; address: string }[];
    };
    expect(answer.inUse).toBe(true);
    expect(answer.sockets.some((s) => s.port === server.port && s.address === '127.0.0.1')).toBe(true);
    const free = await refusedPort('127.0.0.1');
    const none = await run(['ports', String(free)]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(`Nothing is listening on port ${free}`);
  });

  it('traces the route to 127.0.0.1, or names the missing tool', async () => {
    const result = await run(
      ['trace', '127.0.0.1', '--max-hops', '2', '--wait-ms', '1000', '--json'],
      60_000,
    );
    if (result.code === 0) {
      const report = JSON.parse(result.stdout) as { tool: string; hops: { addresses: string[] }[] };
      expect(['traceroute', 'tracepath']).toContain(report.tool);
      expect(report.hops[0]!.addresses).toContain('127.0.0.1');
    } else {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/`traceroute` \/ `tracepath` are not installed/);
    }
  });
});
