import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { MAX_SNIFF_BYTES, sniffTunnel } from '@engine/proxy/clientHello.js';

/** A real ClientHello, as Node's TLS client writes it, captured on a loopback listener. */
async function captureClientHello(servername?: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const hello = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      socket.once('data', (data: Buffer) => {
        resolve(data);
        socket.destroy();
      });
    });
  });
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    ...(servername ? { servername } : {}),
    rejectUnauthorized: false,
  });
  client.on('error', () => undefined);
  const data = await hello;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return data;
}

describe('sniffTunnel', () => {
  it('reads the SNI from a real ClientHello', async () => {
    const hello = await captureClientHello('api.example.test');
    expect(sniffTunnel(hello)).toEqual({ kind: 'tls', serverName: 'api.example.test' });
  });

  it('recognises a ClientHello without SNI', async () => {
    const hello = await captureClientHello();
    expect(sniffTunnel(hello)).toEqual({ kind: 'tls' });
  });

  it('asks for more bytes while the first TLS record is incomplete', async () => {
    const hello = await captureClientHello('partial.example.test');
    expect(sniffTunnel(hello.subarray(0, 3))).toEqual({ kind: 'need_more' });
    expect(sniffTunnel(hello.subarray(0, 40))).toEqual({ kind: 'need_more' });
  });

  it('tells plain HTTP from other protocols', () => {
    expect(sniffTunnel(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ kind: 'http' });
    expect(sniffTunnel(Buffer.from('PROPFIND /x HTTP/1.1'))).toEqual({ kind: 'http' });
    expect(sniffTunnel(Buffer.from('GE'))).toEqual({ kind: 'need_more' });
    expect(sniffTunnel(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'))).toEqual({ kind: 'other' });
    expect(sniffTunnel(Buffer.from([0x00, 0x01, 0x02]))).toEqual({ kind: 'other' });
    expect(sniffTunnel(Buffer.from([0x16, 0x07, 0x00, 0x00, 0x00]))).toEqual({ kind: 'other' });
  });

  it('gives up waiting for a ClientHello larger than the sniff limit', () => {
    const header = Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff]);
    const big = Buffer.concat([header, Buffer.alloc(MAX_SNIFF_BYTES)]);
    expect(sniffTunnel(big).kind).toBe('tls');
  });
});
