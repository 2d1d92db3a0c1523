import { describe, expect, it } from 'vitest';
import {
  bracketHost,
  defaultPort,
  hostPort,
  originOf,
  parseHostPort,
  unbracketHost,
  urlHostPort,
  urlOf,
} from '@shared/address.js';

describe('address', () => {
  it('brackets IPv6 literals next to a port, never names or IPv4', () => {
    expect(hostPort('example.com', 443)).toBe('example.com:443');
    expect(hostPort('127.0.0.1', 8899)).toBe('127.0.0.1:8899');
    expect(hostPort('::1', 8899)).toBe('[::1]:8899');
    expect(hostPort('[::1]', 8899)).toBe('[::1]:8899');
    expect(hostPort('fe80::1%eth0', 80)).toBe('[fe80::1%eth0]:80');
    expect(bracketHost('::1')).toBe('[::1]');
    expect(bracketHost('[::1]')).toBe('[::1]');
  });

  it('takes brackets off, and only brackets', () => {
    expect(unbracketHost('[::1]')).toBe('::1');
    expect(unbracketHost('::1')).toBe('::1');
    expect(unbracketHost('example.com')).toBe('example.com');
    expect(unbracketHost('[broken')).toBe('[broken');
  });

  it('knows the default ports of http, https, ws and wss, with or without the colon', () => {
    expect(defaultPort('http')).toBe(80);
    expect(defaultPort('https:')).toBe(443);
    expect(defaultPort('ws:')).toBe(80);
    expect(defaultPort('WSS')).toBe(443);
    expect(defaultPort('ftp')).toBeUndefined();
  });

  it('writes URLs with the port, origins without a default port', () => {
    expect(urlOf('http', '::1', 8899)).toBe('http://[::1]:8899');
    expect(originOf('https', 'api.test', 443)).toBe('https://api.test');
    expect(originOf('https', 'api.test', 8443)).toBe('https://api.test:8443');
    expect(originOf('http', '::1', 80)).toBe('http://[::1]');
    expect(originOf('http', '::1', 8080)).toBe('http://[::1]:8080');
  });

  it('reads host:port and [v6]:port, and nothing else', () => {
    expect(parseHostPort('api.test:443')).toEqual({ host: 'api.test', port: 443 });
    expect(parseHostPort('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseHostPort('10.0.0.1:0')).toEqual({ host: '10.0.0.1', port: 0 });
    for (const bad of ['api.test', '::1:80', 'http://a:1', 'a:99999', 'a b:1', '[::1]', 'a:']) {
      expect(parseHostPort(bad), bad).toBeUndefined();
    }
  });

  it('takes host (bare) and port (default applied) from a URL', () => {
    expect(urlHostPort(new URL('https://api.test/x'))).toEqual({ host: 'api.test', port: 443 });
    expect(urlHostPort(new URL('http://[::1]:8080/'))).toEqual({ host: '::1', port: 8080 });
    expect(urlHostPort(new URL('ws://a.test/'))).toEqual({ host: 'a.test', port: 80 });
    expect(urlHostPort(new URL('wss://a.test/'))).toEqual({ host: 'a.test', port: 443 });
  });
});
