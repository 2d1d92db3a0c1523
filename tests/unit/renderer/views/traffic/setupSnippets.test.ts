import { describe, expect, it } from 'vitest';
import { setupSnippets } from '@renderer/views/traffic/setupSnippets';

describe('setupSnippets', () => {
  const snippets = setupSnippets('http://127.0.0.1:8899', "/home/o'neil/NetLens/ca.pem");
  const byId = Object.fromEntries(snippets.map((s) => [s.id, s.code]));

  it('gives curl the proxy and the CA, shell-quoted', () => {
    expect(byId.curl).toBe(
      `curl -x http://127.0.0.1:8899 --cacert '/home/o'\\''neil/NetLens/ca.pem' https://example.com/`,
    );
  });

  it('covers Python requests, Node, Chromium and Firefox', () => {
    expect(byId.python).toContain('REQUESTS_CA_BUNDLE=');
    expect(byId.python).toContain('HTTPS_PROXY=http://127.0.0.1:8899');
    expect(byId.node).toContain('NODE_EXTRA_CA_CERTS=');
    expect(byId.chromium).toContain('--proxy-server=http://127.0.0.1:8899');
    expect(byId.chromium).toContain('--ignore-certificate-errors-spki-list');
    // Quoted, so the shell does not read <-loopback> as a redirection.
    expect(byId.chromium).toContain("'--proxy-bypass-list=<-loopback>'");
    expect(byId.node).toContain('NODE_USE_ENV_PROXY=1   # Node 22.21+ and 24.5+');
    expect(byId.firefox).toContain('network.proxy.allow_hijacking_localhost');
    expect(byId.firefox).toContain('127.0.0.1 port 8899');
  });
});
