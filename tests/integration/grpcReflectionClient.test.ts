/**
 * NetLens' gRPC reflection client against real servers on 127.0.0.1 (@grpc/grpc-js with
 * @grpc/reflection): over TLS with the proxy's certificate choices, and each way it can fail —
 * a certificate it must not trust, a port with nothing listening, a server that never answers,
 * a server without reflection, a service the server does not have.
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { startEchoServer, type EchoServer } from '@fixtures/echoService.js';
import { fetchReflectionDescriptors, type ReflectionTarget } from '@engine/proxy/grpcReflectionClient.js';
import { schemaOfFileDescriptors } from '@engine/analysis/protoDescriptors.js';

describe('gRPC reflection client', () => {
  let pki: TestPki;
  let secure: EchoServer;
  let plain: EchoServer;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    pki = makeTestPki();
    secure = await startEchoServer({ reflection: true, tls: pki.valid });
    plain = await startEchoServer({ reflection: true });
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    secure.close();
    plain.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const target = (port: number, extra: Partial<ReflectionTarget> = {}): ReflectionTarget => ({
    tls: false,
    host: '127.0.0.1',
    port,
    authority: `127.0.0.1:${port}`,
    ...extra,
  });

  it('over TLS, trusting the CA the proxy trusts: the files of the service, whole', async () => {
    const files = await fetchReflectionDescriptors(
      target(secure.port, {
        tls: true,
        servername: 'localhost',
        authority: `localhost:${secure.port}`,
        secureContext: tls.createSecureContext({ ca: pki.ca.certPem }),
      }),
      'netlens.test.Echo',
      5000,
    );
    const { schema, unresolved } = schemaOfFileDescriptors(files);
    expect(unresolved).toEqual([]);
    expect(Object.keys(schema.methods).sort()).toEqual(['netlens.test.Echo/Chat', 'netlens.test.Echo/Say']);
  });

  it('over TLS, a certificate it cannot verify is refused, unless the host is an insecure one', async () => {
    const tlsTarget = target(secure.port, { tls: true, servername: 'localhost' });
    await expect(fetchReflectionDescriptors(tlsTarget, 'netlens.test.Echo', 5000)).rejects.toThrow(
      /certificate/i,
    );
    const files = await fetchReflectionDescriptors(
      { ...tlsTarget, rejectUnauthorized: false },
      'netlens.test.Echo',
      5000,
    );
    expect(files.length).toBeGreaterThan(0);
  });

  it('says why not: a closed port, a silent server, a service the server does not have', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchReflectionDescriptors(target(closedPort), 'netlens.test.Echo', 5000)).rejects.toThrow(
      /ECONNREFUSED/,
    );
    const silentPort = (silent.address() as net.AddressInfo).port;
    await expect(fetchReflectionDescriptors(target(silentPort), 'netlens.test.Echo', 300)).rejects.toThrow(
      'no answer within 300 ms',
    );
    await expect(fetchReflectionDescriptors(target(plain.port), 'acme.Nothing', 5000)).rejects.toThrow(
      /^its reflection does not know acme\.Nothing \(NOT_FOUND/,
    );
  });
});
