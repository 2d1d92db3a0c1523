import { describe, expect, it } from 'vitest';
import {
  CONTAINER_BUNDLE_PATH,
  CONTAINER_CA_PATH,
  containerProxyHost,
  dockerBridgeAddress,
  dockerFlags,
  dockerReachabilityNote,
} from '@engine/system/terminal/dockerFlags.js';

const input = {
  port: 8899,
  source: 'docker#4',
  caCertPath: '/home/u/.config/NetLens/ca/netlens-ca.pem',
  caBundlePath: '/home/u/.config/NetLens/ca-bundle.pem',
};

describe('dockerFlags', () => {
  it('reaches the host as host.docker.internal (host-gateway on Docker Engine), with the label and secret as credentials', () => {
    const flags = dockerFlags({ ...input, listenHost: '0.0.0.0', secret: 'S3cret_-x' });
    expect(flags.proxyUrl).toBe('http://docker%234:S3cret_-x@host.docker.internal:8899');
    expect(flags.args.slice(0, 3)).toEqual([
      '--add-host=host.docker.internal:host-gateway',
      `--volume=${input.caCertPath}:${CONTAINER_CA_PATH}:ro`,
      `--volume=${input.caBundlePath}:${CONTAINER_BUNDLE_PATH}:ro`,
    ]);
    const env = Object.fromEntries(
      flags.args
        .filter((arg) => arg.startsWith('--env='))
        .map((arg) => {
          const [name, ...rest] = arg.slice('--env='.length).split('=');
          return [name!, rest.join('=')];
        }),
    );
    expect(env.HTTPS_PROXY).toBe(flags.proxyUrl);
    expect(env.http_proxy).toBe(flags.proxyUrl);
    expect(env.NODE_EXTRA_CA_CERTS).toBe(CONTAINER_CA_PATH);
    expect(env.SSL_CERT_FILE).toBe(CONTAINER_BUNDLE_PATH);
    expect(env.REQUESTS_CA_BUNDLE).toBe(CONTAINER_BUNDLE_PATH);
    // The container's loopback is its own: requests to it must not reach the host's.
    expect(env.NO_PROXY).toBe('localhost,127.0.0.1,::1');
    expect(env.no_proxy).toBe('localhost,127.0.0.1,::1');
    // No host path leaks into a variable: inside the container only the mounts exist.
    expect(Object.values(env).some((value) => value.includes('/home/u'))).toBe(false);
  });

  it('uses the one address NetLens listens on when it is not a wildcard', () => {
    expect(containerProxyHost('0.0.0.0')).toBe('host.docker.internal');
    expect(containerProxyHost('::')).toBe('host.docker.internal');
    expect(containerProxyHost('127.0.0.1')).toBe('host.docker.internal');
    expect(containerProxyHost('172.17.0.1')).toBe('172.17.0.1');
    expect(dockerFlags({ ...input, listenHost: '192.168.1.5' }).proxyUrl).toBe(
      'http://docker%234@192.168.1.5:8899',
    );
  });
});

describe('dockerReachabilityNote', () => {
  it('explains, in one sentence, that loopback is unreachable and how to fix it', () => {
    const note = dockerReachabilityNote('127.0.0.1', 8899, '172.18.0.1')!;
    expect(note).toContain('127.0.0.1:8899');
    expect(note).toContain('--host 0.0.0.0');
    expect(note).toContain('--host 172.18.0.1');
    expect(note.includes('\n')).toBe(false);
    expect(dockerReachabilityNote('0.0.0.0', 8899)).toBeUndefined();
    expect(dockerReachabilityNote('172.17.0.1', 8899)).toBeUndefined();
  });

  it('reads the docker0 bridge address from the interfaces', () => {
    expect(
      dockerBridgeAddress({
        lo: [{ address: '127.0.0.1', family: 'IPv4' } as never],
        docker0: [
          { address: 'fe80::1', family: 'IPv6' } as never,
          { address: '172.17.0.1', family: 'IPv4' } as never,
        ],
      }),
    ).toBe('172.17.0.1');
    expect(dockerBridgeAddress({})).toBeUndefined();
  });
});
