import { describe, expect, it } from 'vitest';
import { parseProxyAuthorization, passwordMatches } from '@engine/proxy/proxyCredentials.js';
import { isLoopbackHost, isWildcardHost } from '@shared/address.js';
import { isSourceLabel, sourceKind } from '@shared/source.js';

const basic = (userPass: string): string => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('parseProxyAuthorization', () => {
  it('reads a source label from the user name, percent-encoded or not, and the password', () => {
    expect(parseProxyAuthorization(basic('terminal#3:s3cret'))).toEqual({
      source: 'terminal#3',
      password: 's3cret',
    });
    expect(parseProxyAuthorization(basic('terminal%233:'))).toEqual({ source: 'terminal#3' });
    expect(parseProxyAuthorization(`basic   ${Buffer.from('docker:pw').toString('base64')}`)).toEqual({
      source: 'docker',
      password: 'pw',
    });
  });

  it('takes a user name that is no label as no source, and other schemes as no credentials', () => {
    expect(parseProxyAuthorization(basic('Alice Smith:pw'))).toEqual({ password: 'pw' });
    expect(parseProxyAuthorization(basic('%zz:pw'))).toEqual({ password: 'pw' });
    expect(parseProxyAuthorization('Bearer abc')).toBeUndefined();
    expect(parseProxyAuthorization('Basic !!!')).toBeUndefined();
    expect(parseProxyAuthorization(`Basic ${'A'.repeat(2000)}`)).toBeUndefined();
    expect(parseProxyAuthorization(undefined)).toBeUndefined();
  });

  it('compares passwords exactly', () => {
    expect(passwordMatches('abc', 'abc')).toBe(true);
    expect(passwordMatches('abd', 'abc')).toBe(false);
    expect(passwordMatches('abcd', 'abc')).toBe(false);
    expect(passwordMatches(undefined, 'abc')).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('is true for addresses only this machine reaches', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.5',
      '10.0.0.1',
      'example.com',
      '::2',
      '127.example.com',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(['0.0.0.0', '[::]', '::', '127.0.0.1'].map(isWildcardHost)).toEqual([true, true, true, false]);
  });
});

describe('source labels', () => {
  it('are a kind and an optional #N', () => {
    expect(isSourceLabel('chromium#1')).toBe(true);
    expect(isSourceLabel('system')).toBe(true);
    expect(isSourceLabel('Chromium#1')).toBe(false);
    expect(isSourceLabel('chromium#0')).toBe(false);
    expect(isSourceLabel('chromium#')).toBe(false);
    expect(isSourceLabel('a'.repeat(40))).toBe(false);
    expect(sourceKind('terminal#12')).toBe('terminal');
    expect(sourceKind('manual')).toBe('manual');
  });
});
