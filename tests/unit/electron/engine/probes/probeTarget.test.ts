import { describe, expect, it } from 'vitest';
import { parseProbeTarget, TargetError } from '@engine/probes/probeTarget.js';

describe('parseProbeTarget', () => {
  it.each([
    ['https://example.com/a?b=1', 'https', 'example.com', 443],
    ['http://example.com', 'http', 'example.com', 80],
    ['http://127.0.0.1:8080/x', 'http', '127.0.0.1', 8080],
    ['https://[::1]:8443/', 'https', '::1', 8443],
    ['HTTPS://Example.COM/', 'https', 'example.com', 443],
    ['tls://db.internal:5432', 'tls', 'db.internal', 5432],
    ['db.internal:5432', 'tcp', 'db.internal', 5432],
    ['[::1]:22', 'tcp', '::1', 22],
    ['127.0.0.1:1', 'tcp', '127.0.0.1', 1],
    ['example.com', 'https', 'example.com', 443],
  ])('%s → %s %s:%i', (text, scheme, host, port) => {
    expect(parseProbeTarget(text)).toMatchObject({ scheme, host, port });
  });

  it('keeps the URL of http(s) targets only', () => {
    expect(parseProbeTarget('https://example.com/p').url?.href).toBe('https://example.com/p');
    expect(parseProbeTarget('example.com:22').url).toBeUndefined();
  });

  it.each([
    ['', /No target/],
    ['ftp://example.com/', /Unsupported scheme ftp/],
    ['tls://example.com', /needs a port/],
    ['example.com:0', /Bad port/],
    ['example.com:70000', /Bad port/],
    ['::1', /Add a port/],
    ['http://', /Not a valid URL|No host/],
    ['a b c', /Cannot read/],
  ])('rejects %j', (text, message) => {
    expect(() => parseProbeTarget(text)).toThrow(TargetError);
    expect(() => parseProbeTarget(text)).toThrow(message);
  });
});
