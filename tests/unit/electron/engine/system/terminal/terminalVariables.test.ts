import { describe, expect, it } from 'vitest';
import {
  existingNoProxy,
  globalAgentNoProxy,
  proxyUrlOf,
  REPLACING_CA_VARIABLES,
  terminalVariables,
  UNSET_VARIABLES,
} from '@engine/system/terminal/terminalVariables.js';

const base = {
  proxyUrl: 'http://terminal%233@127.0.0.1:8899',
  caCertPath: '/data/ca/netlens-ca.pem',
  caBundlePath: '/data/ca-bundle.pem',
};
const asRecord = (variables: { name: string; value: string }[]): Record<string, string> =>
  Object.fromEntries(variables.map((variable) => [variable.name, variable.value]));

describe('terminalVariables', () => {
  it('sets the proxy in both cases, Node and global-agent, the CA where a tool adds it and the bundle where it replaces the store', () => {
    expect(asRecord(terminalVariables(base))).toEqual({
      HTTP_PROXY: base.proxyUrl,
      HTTPS_PROXY: base.proxyUrl,
      http_proxy: base.proxyUrl,
      https_proxy: base.proxyUrl,
      NODE_USE_ENV_PROXY: '1',
      GLOBAL_AGENT_HTTP_PROXY: base.proxyUrl,
      GLOBAL_AGENT_HTTPS_PROXY: base.proxyUrl,
      NODE_EXTRA_CA_CERTS: base.caCertPath,
      DENO_CERT: base.caCertPath,
      SSL_CERT_FILE: base.caBundlePath,
      REQUESTS_CA_BUNDLE: base.caBundlePath,
      CURL_CA_BUNDLE: base.caBundlePath,
      GIT_SSL_CAINFO: base.caBundlePath,
      AWS_CA_BUNDLE: base.caBundlePath,
      CARGO_HTTP_CAINFO: base.caBundlePath,
      PIP_CERT: base.caBundlePath,
    });
  });

  it('explains every variable, and never sets ALL_PROXY or NO_PROXY of its own', () => {
    const variables = terminalVariables(base);
    for (const variable of variables) expect(variable.why, variable.name).not.toBe('');
    const names = variables.map((variable) => variable.name);
    expect(names).not.toContain('ALL_PROXY');
    expect(names).not.toContain('NO_PROXY');
    expect(names).not.toContain('no_proxy');
  });

  it("writes the user's NO_PROXY in both spellings, and global-agent's own when asked", () => {
    const variables = asRecord(
      terminalVariables({ ...base, noProxy: 'corp.invalid, .internal.invalid,,', globalAgentNoProxy: true }),
    );
    expect(variables.NO_PROXY).toBe('corp.invalid, .internal.invalid,,');
    expect(variables.no_proxy).toBe('corp.invalid, .internal.invalid,,');
    expect(variables.GLOBAL_AGENT_NO_PROXY).toBe('corp.invalid,.internal.invalid');
    expect(asRecord(terminalVariables({ ...base, noProxy: 'x' })).GLOBAL_AGENT_NO_PROXY).toBeUndefined();
  });

  it('--unset removes everything it sets but the user NO_PROXY', () => {
    const set = terminalVariables({ ...base, noProxy: 'x', globalAgentNoProxy: true }).map((v) => v.name);
    const kept = set.filter((name) => !UNSET_VARIABLES.includes(name));
    expect(kept.sort()).toEqual(['GLOBAL_AGENT_NO_PROXY', 'NO_PROXY', 'no_proxy']);
    for (const name of REPLACING_CA_VARIABLES) expect(UNSET_VARIABLES).toContain(name);
  });
});

describe('existingNoProxy', () => {
  it('takes no_proxy first (as curl and Python do), unchanged; nothing when unset or blank', () => {
    expect(existingNoProxy({ no_proxy: 'a,b', NO_PROXY: 'c' })).toBe('a,b');
    expect(existingNoProxy({ NO_PROXY: 'localhost, 10.0.0.0/8' })).toBe('localhost, 10.0.0.0/8');
    expect(existingNoProxy({ no_proxy: ' ', NO_PROXY: 'c' })).toBe('c');
    expect(existingNoProxy({})).toBeUndefined();
    expect(existingNoProxy({ NO_PROXY: '' })).toBeUndefined();
  });

  it('global-agent gets a list without empty entries (it throws on one)', () => {
    expect(globalAgentNoProxy(',a,, b  c,a,')).toBe('a,b,c');
  });
});

describe('proxyUrlOf', () => {
  it('percent-encodes the label and the password (RFC 3986 user info), brackets IPv6', () => {
    expect(proxyUrlOf({ host: '127.0.0.1', port: 8899, user: 'terminal#3' })).toBe(
      'http://terminal%233@127.0.0.1:8899',
    );
    expect(proxyUrlOf({ host: '::1', port: 1, user: 'docker#1', password: 'a:b@c/d' })).toBe(
      'http://docker%231:a%3Ab%40c%2Fd@[::1]:1',
    );
    expect(proxyUrlOf({ host: 'h', port: 2 })).toBe('http://h:2');
    const parsed = new URL(proxyUrlOf({ host: 'h', port: 2, user: 'terminal#12', password: 'p' }));
    expect(decodeURIComponent(parsed.username)).toBe('terminal#12');
    expect(parsed.hostname).toBe('h');
  });
});
