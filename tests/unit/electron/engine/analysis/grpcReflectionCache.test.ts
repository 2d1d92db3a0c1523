import type protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { describe, expect, it } from 'vitest';
import { GrpcReflectionCache, type ReflectionOrigin } from '@engine/analysis/grpcReflectionCache.js';
import { readFileDescriptor, type FileDescriptorBytes } from '@engine/analysis/protoDescriptors.js';

const ORIGIN: ReflectionOrigin = { key: 'http://127.0.0.1:50051', label: '127.0.0.1:50051' };

function pingFile(): FileDescriptorBytes {
  const file = {
    name: 'ping.proto',
    package: 'demo',
    messageType: [{ name: 'Ping', field: [{ name: 'seq', number: 1, label: 1, type: 5 }] }],
    service: [
      { name: 'Pinger', method: [{ name: 'Ping', inputType: '.demo.Ping', outputType: '.demo.Ping' }] },
    ],
  };
  return readFileDescriptor(
    descriptor.FileDescriptorProto.encode(
      descriptor.FileDescriptorProto.fromObject(file) as protobuf.Message,
    ).finish(),
  );
}

function cache(fetch: () => Promise<FileDescriptorBytes[]>, now: { ms: number }) {
  let calls = 0;
  const reflection = new GrpcReflectionCache({
    fetch: () => {
      calls += 1;
      return fetch();
    },
    nowMs: () => now.ms,
    schemaTtlMs: 60_000,
    failureTtlMs: 5_000,
  });
  return { reflection, calls: () => calls };
}

describe('GrpcReflectionCache', () => {
  it('asks once per origin and service, concurrent lookups included, and keeps the schema', async () => {
    const now = { ms: 0 };
    const { reflection, calls } = cache(async () => [pingFile()], now);
    expect(reflection.peek(ORIGIN, 'demo.Pinger')).toBeUndefined();
    const [a, b] = await Promise.all([
      reflection.lookup(ORIGIN, 'demo.Pinger'),
      reflection.lookup(ORIGIN, 'demo.Pinger'),
    ]);
    expect(calls()).toBe(1);
    expect(a).toBe(b);
    expect(a).toMatchObject({ ok: true, origin: '127.0.0.1:50051' });
    expect(a.ok && a.schema.messages['demo.Ping']!.fields['1']!.name).toBe('seq');
    now.ms = 59_000;
    expect(reflection.peek(ORIGIN, 'demo.Pinger')).toBe(a);
    now.ms = 61_000;
    expect(reflection.peek(ORIGIN, 'demo.Pinger')).toBeUndefined();
    await reflection.lookup(ORIGIN, 'demo.Pinger');
    expect(calls()).toBe(2);
  });

  it('remembers a failure briefly, with its reason, then asks again', async () => {
    const now = { ms: 0 };
    const { reflection, calls } = cache(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:50051');
    }, now);
    const outcome = await reflection.lookup(ORIGIN, 'demo.Pinger');
    expect(outcome).toEqual({
      ok: false,
      origin: '127.0.0.1:50051',
      reason: 'connect ECONNREFUSED 127.0.0.1:50051',
    });
    await reflection.lookup(ORIGIN, 'demo.Pinger');
    expect(calls()).toBe(1);
    now.ms = 5_001;
    await reflection.lookup(ORIGIN, 'demo.Pinger');
    expect(calls()).toBe(2);
  });

  it('descriptors that do not describe the service are a failure that says so', async () => {
    const { reflection } = cache(async () => [pingFile()], { ms: 0 });
    expect(await reflection.lookup(ORIGIN, 'demo.Other')).toEqual({
      ok: false,
      origin: '127.0.0.1:50051',
      reason: 'its reflection does not describe demo.Other',
    });
  });
});
