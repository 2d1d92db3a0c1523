import { describe, expect, it } from 'vitest';
import { poolKey } from '@engine/proxy/poolKey.js';

describe('poolKey', () => {
  it('is the same for the same origin and TLS settings, whatever the spelling', () => {
    expect(poolKey({ protocol: 'http:', host: 'Example.com', port: 80 })).toBe(
      poolKey({ protocol: 'http:', host: 'example.com' }),
    );
    expect(poolKey({ protocol: 'https:', host: 'a.test', port: '443', servername: 'a.test' })).toBe(
      poolKey({
        protocol: 'https:',
        hostname: 'a.test',
        port: 443,
        servername: 'A.TEST',
        rejectUnauthorized: true,
      }),
    );
  });

  it('separates origins, schemes and ports', () => {
    const keys = new Set([
      poolKey({ protocol: 'http:', host: 'a.test', port: 80 }),
      poolKey({ protocol: 'http:', host: 'a.test', port: 8080 }),
      poolKey({ protocol: 'https:', host: 'a.test', port: 80 }),
      poolKey({ protocol: 'http:', host: 'b.test', port: 80 }),
    ]);
    expect(keys.size).toBe(4);
  });

  it('never lets an unverified connection serve a verified request, nor mixes SNI', () => {
    const verified = poolKey({ protocol: 'https:', host: '10.0.0.1', port: 443, servername: 'a.test' });
    expect(
      poolKey({
        protocol: 'https:',
        host: '10.0.0.1',
        port: 443,
        servername: 'a.test',
        rejectUnauthorized: false,
      }),
    ).not.toBe(verified);
    expect(poolKey({ protocol: 'https:', host: '10.0.0.1', port: 443, servername: 'b.test' })).not.toBe(
      verified,
    );
  });
});
